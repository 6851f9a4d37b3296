// Protocol applications through the API with real sockets and real agents (in this process):
// the admin's catalogue, assignment by a tenant-admin, connect and disconnect; tcp and http
// applications as ports on the hub, a udp one with its datagrams on the stream's dial-back; dtt-reverse with the hub as target endpoint and with an
// agent running as a service endpoint. Every connection is a session with the application's id.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { closedSessions, echoServer, exchange, portOutside, refused } from './forward-fixture.js';
import type { EchoServer } from './forward-fixture.js';
import { linkedMac, linkedTenant, startLinkedHub, waitMs } from './linked-hub.js';
import type { LinkedHub } from './linked-hub.js';

const linkPorts = { from: 41000, to: 41999 };
const endpointMac = '00:11:22:AA:BB:E1';
let hub: LinkedHub;
let tenantAdmin: string;
let otherAdmin: string;
let auditor: string;
let endpoint: AgentHandle;
let echo: EchoServer;
let udpEcho: UdpSocket;
let tickets: Server;
let ticketPort: number;
const ticketSockets: Socket[] = [];
const received: string[] = [];

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, payload?: object, token = hub.admin) =>
  hub.call({ method, url: `/api/v1${url}`, token, ...(payload === undefined ? {} : { payload }) });

async function createApp(template: object): Promise<string> {
  const response = await call('POST', '/protocol-apps', template);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function assignAndConnect(appId: string): Promise<{ port?: number; url?: string; sessions: string[] }> {
  const assigned = await call('PUT', `/devices/${linkedMac}/protocol-apps/${appId}`, {}, tenantAdmin);
  expect(assigned.statusCode, assigned.body).toBe(200);
  const connected = await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/connect`, {}, tenantAdmin);
  expect(connected.statusCode, connected.body).toBe(201);
  return connected.json();
}

/** The ticketing client: submits a ticket with a real HTTP client, on its own connection. */
function submitTicket(port: number, ticket: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path: '/tickets', method: 'POST', agent: false, headers: { 'content-type': 'text/plain' } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(ticket);
  });
}

beforeAll(async () => {
  hub = await startLinkedHub();
  tenantAdmin = await hub.tenantToken(linkedTenant, `${linkedTenant}-password`);
  await hub.createTenant(hub.admin, 'hq');
  otherAdmin = await hub.tenantToken('hq', 'hq-password');
  await createAuditor(hub, hub.admin, 'apps-auditor');
  auditor = await auditorToken(hub, 'apps-auditor');
  echo = await echoServer('device:');
  udpEcho = createSocket('udp4');
  udpEcho.on('message', (datagram, peer) => udpEcho.send(Buffer.concat([Buffer.from('device:'), datagram]), peer.port, peer.address));
  udpEcho.bind(0, '127.0.0.1');
  await once(udpEcho, 'listening');
  tickets = createHttpServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
    incoming.on('end', () => {
      received.push(body);
      response.writeHead(201, { 'content-type': 'text/plain' }).end(`ticket #${received.length} received: ${body}`);
    });
  });
  tickets.on('connection', (socket: Socket) => ticketSockets.push(socket));
  tickets.listen(0, '127.0.0.1');
  await once(tickets, 'listening');
  ticketPort = (tickets.address() as AddressInfo).port;
  endpoint = startAgent({ hub: hub.url, mac: endpointMac, serviceEndpoint: true, logger: () => undefined, backoff: { baseMs: 20, maxMs: 200, random: () => 0 } });
  await once(endpoint.events, 'online', { signal: AbortSignal.timeout(waitMs) });
  const password = once(endpoint.events, 'password', { signal: AbortSignal.timeout(waitMs) });
  expect((await call('POST', `/devices/${endpointMac}/assign`, { tenant: 'hq' })).statusCode).toBe(200);
  await password;
});

afterAll(async () => {
  await endpoint.stop();
  await hub.close();
  await echo.close();
  udpEcho.close();
  tickets.close();
});

describe('the protocol-application catalogue', () => {
  it('is written by the admin and read by tenant-admins and auditors; bad input changes nothing', async () => {
    const head = await hub.head();
    for (const token of [tenantAdmin, auditor]) expect((await call('POST', '/protocol-apps', { name: 'SSH', type: 'tcp', devicePort: 22 }, token)).statusCode).toBe(403);
    const bad = await call('POST', '/protocol-apps', { name: 'SSH', type: 'tcp', devicePort: '22' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed', details: ['body.devicePort'], message: 'devicePort must be a whole number from 1 to 65535' } });
    expect((await call('POST', '/protocol-apps', { name: 'Tickets', type: 'dtt-reverse', targetEndpoint: 'hub', targetHost: 'localhost', portMappings: [] })).statusCode).toBe(400);
    expect(await hub.head()).toBe(head);

    const appId = await createApp({ name: 'SSH', type: 'tcp', devicePort: 22 });
    for (const token of [tenantAdmin, auditor]) {
      const listed = await call('GET', '/protocol-apps', undefined, token);
      expect(listed.json<{ items: { id: string; name: string }[] }>().items).toContainEqual(expect.objectContaining({ id: appId, name: 'SSH', type: 'tcp' }));
    }
    expect((await call('PUT', `/protocol-apps/${appId}`, { name: 'SSH (edited)', type: 'tcp', devicePort: 2222 })).json()).toMatchObject({ name: 'SSH (edited)', devicePort: 2222 });
    expect((await call('GET', '/protocol-apps/target-endpoints')).json<{ items: { endpoint: string }[] }>().items.map((item) => item.endpoint)).toEqual(['hub', '00:11:22:AA:BB:E1']);
  });

  it('is assigned to a device by the tenant-admin who sees it; others find no such device', async () => {
    const appId = await createApp({ name: 'Web', type: 'http', devicePort: 80 });
    expect((await call('PUT', `/devices/${linkedMac}/protocol-apps/${appId}`, {}, otherAdmin)).statusCode).toBe(404);
    expect((await call('PUT', `/devices/${linkedMac}/protocol-apps/${appId}`, {}, auditor)).statusCode).toBe(403);
    const assigned = await call('PUT', `/devices/${linkedMac}/protocol-apps/${appId}`, {}, tenantAdmin);
    expect(assigned.json()).toMatchObject({ appId, device: '00:11:22:AA:BB:C1', tenantId: linkedTenant, app: { name: 'Web' } });
    const onDevice = await call('GET', `/devices/${linkedMac}/protocol-apps`, undefined, tenantAdmin);
    expect(onDevice.json<{ items: { appId: string; connection: unknown }[] }>().items).toContainEqual(expect.objectContaining({ appId, connection: null }));
    expect((await call('DELETE', `/devices/${linkedMac}/protocol-apps/${appId}`, undefined, tenantAdmin)).statusCode).toBe(204);
    expect((await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/connect`, {}, tenantAdmin)).statusCode).toBe(404);
  });
});

describe('connecting an application', () => {
  it('tcp: opens a port on the hub to the device port, one session until disconnect (deleted)', async () => {
    const appId = await createApp({ name: 'Echo', type: 'tcp', devicePort: echo.port });
    const connected = await assignAndConnect(appId);
    expect(connected.port).toBeGreaterThanOrEqual(linkPorts.from);
    const port = connected.port ?? 0;
    expect((await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/connect`, {}, tenantAdmin)).statusCode).toBe(409);
    expect((await exchange(port, 'one')).toString()).toBe('device:one');
    expect((await exchange(port, 'two!')).toString()).toBe('device:two!');
    expect((await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/disconnect`, {}, tenantAdmin)).statusCode).toBe(204);
    expect(await refused(port)).toBe(true);
    const [session] = await closedSessions(hub, hub.admin, 'kind=protocol-app', (s) => s.appId === appId);
    expect(session).toMatchObject({ appId, mode: 'tcp', device: '00:11:22:AA:BB:C1', terminationCause: 'deleted', streams: 2, bytesToDevice: 7, bytesFromDevice: 21, port });
  });

  it('udp: carries datagrams to the device port and back, boundaries kept, until disconnect with exact totals', async () => {
    const appId = await createApp({ name: 'UDP echo', type: 'udp', devicePort: (udpEcho.address() as AddressInfo).port });
    const port = (await assignAndConnect(appId)).port ?? 0;
    const client = createSocket('udp4');
    client.bind(0, '127.0.0.1');
    await once(client, 'listening');
    const answers: number[] = [];
    for (const datagram of [Buffer.alloc(1000, 7), Buffer.from('two'), Buffer.alloc(0)]) {
      const answer = once(client, 'message', { signal: AbortSignal.timeout(waitMs) }) as Promise<[Buffer]>;
      client.send(datagram, port, '127.0.0.1');
      answers.push((await answer)[0].length);
    }
    client.close();
    expect(answers).toEqual([1007, 10, 7]);
    expect((await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/disconnect`, {}, tenantAdmin)).statusCode).toBe(204);
    const [session] = await closedSessions(hub, hub.admin, 'kind=protocol-app', (s) => s.appId === appId);
    expect(session).toMatchObject({ appId, mode: 'udp', terminationCause: 'deleted', bytesToDevice: 1003, bytesFromDevice: 1024 });
  });

  it('http: serves the device web interface through the hub at the answered URL', async () => {
    const web = createHttpServer((_incoming, response) => response.writeHead(200, { 'x-frame-options': 'SAMEORIGIN' }).end('router admin page'));
    web.listen(0, '127.0.0.1');
    await once(web, 'listening');
    const appId = await createApp({ name: 'Router', type: 'http', devicePort: (web.address() as AddressInfo).port, frameAncestors: ['https://dash.example.com'] });
    const connected = await assignAndConnect(appId);
    expect(connected.url).toBe(`http://localhost:${connected.port ?? 0}/`);
    const page = await fetch(`http://127.0.0.1:${connected.port ?? 0}/`);
    expect(await page.text()).toBe('router admin page');
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('content-security-policy')).toBe('frame-ancestors https://dash.example.com');
    expect((await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/disconnect`, {}, tenantAdmin)).statusCode).toBe(204);
    web.close();
  });

  it('dtt-reverse to the hub: an application on the device reaches a server of the service network', async () => {
    const devicePort = await portOutside(linkPorts);
    const appId = await createApp({
      name: 'Ticketing Server Access',
      type: 'dtt-reverse',
      targetEndpoint: 'hub',
      targetHost: '127.0.0.1',
      portMappings: [{ devicePort, targetPort: ticketPort }],
    });
    const connected = await assignAndConnect(appId);
    expect(connected.sessions).toHaveLength(1);
    const submitted = await submitTicket(devicePort, 'printer on fire');
    expect(submitted).toEqual({ status: 201, body: `ticket #${received.length} received: printer on fire` });
    expect((await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/disconnect`, {}, tenantAdmin)).statusCode).toBe(204);
    expect(await refused(devicePort)).toBe(true);
    const [session] = await closedSessions(hub, hub.admin, 'kind=protocol-app', (s) => s.appId === appId);
    const socket = ticketSockets.at(-1);
    expect(session).toMatchObject({
      mode: 'dtt-reverse',
      endpoint: 'hub',
      target: `127.0.0.1:${ticketPort}`,
      devicePort,
      terminationCause: 'deleted',
      streams: 1,
      bytesToDevice: socket?.bytesRead,
      bytesFromDevice: socket?.bytesWritten,
    });
  });

  it('dtt-reverse through a service endpoint, which reaches the target as it sees it', async () => {
    const devicePort = await portOutside(linkPorts);
    const appId = await createApp({
      name: 'Ticketing via HQ',
      type: 'dtt-reverse',
      targetEndpoint: endpointMac,
      targetHost: '127.0.0.1',
      portMappings: [{ devicePort, targetPort: ticketPort }],
    });
    await assignAndConnect(appId);
    const submitted = await submitTicket(devicePort, 'toner empty');
    expect(submitted.status).toBe(201);
    expect(received.at(-1)).toBe('toner empty');
    expect((await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/disconnect`, {}, tenantAdmin)).statusCode).toBe(204);
    const [session] = await closedSessions(hub, hub.admin, 'kind=protocol-app', (s) => s.appId === appId);
    expect(session).toMatchObject({ endpoint: '00:11:22:AA:BB:E1', terminationCause: 'deleted', streams: 1 });
    expect(session?.bytesToDevice).toBeGreaterThan('toner empty'.length);
  });

  it('dtt-reverse refuses an endpoint that is not a connected service endpoint, opening nothing', async () => {
    const appId = await createApp({ name: 'Nowhere', type: 'dtt-reverse', targetEndpoint: '00:11:22:33:44:55', targetHost: 'localhost', portMappings: [{ devicePort: 9, targetPort: 9 }] });
    await call('PUT', `/devices/${linkedMac}/protocol-apps/${appId}`, {}, tenantAdmin);
    const head = await hub.head();
    const refusedConnect = await call('POST', `/devices/${linkedMac}/protocol-apps/${appId}/connect`, {}, tenantAdmin);
    expect(refusedConnect.statusCode).toBe(409);
    expect(refusedConnect.json()).toMatchObject({ error: { code: 'device_offline', message: expect.stringMatching(/not connected to this hub as a service endpoint/) } });
    expect(await hub.head()).toBe(head);
  });
});
