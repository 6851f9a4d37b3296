// The seed's scenario (seeds/reverse-connections.txt) with real processes: `tether serve`, the
// ticketing client's device (PC m01, Munich) running `tether agent`, and PC i02 (Istanbul)
// running `tether agent --service-endpoint` beside a real HTTP ticketing server. An admin
// creates the dtt-reverse application "Ticketing Server Access" with PC i02 as target endpoint
// and target host localhost; Munich's site owner assigns it to PC m01 and connects it; the
// ticketing client on PC m01 submits a ticket and gets the server's confirmation.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'reverse-e2e-admin-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const pcM01 = '00:11:22:33:44:E1';
const pcI02 = '00:11:22:33:44:E2';
const linkPorts = { from: 44000, to: 44999 };

interface Session {
  readonly state: string;
  readonly appId?: string;
  readonly terminationCause?: string;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly [field: string]: unknown;
}

let dir: string;
let hub: TetherProcess;
const agents: TetherProcess[] = [];
let admin: string;
let siteOwner: string;
let ticketing: Server;
let ticketPort: number;
const tickets: string[] = [];
const ticketSockets: Socket[] = [];

async function api(method: string, path: string, body?: object, token = admin): Promise<{ status: number; json: <T>() => Promise<T> }> {
  const response = await fetch(`${hub.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: <T>() => response.json() as Promise<T> };
}

/** A device whose agent runs as its own process, registered and assigned to `tenant`. */
async function device(mac: string, tenant: string, extra: readonly string[] = []): Promise<TetherProcess> {
  const agent = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--state', join(dir, `${mac.replace(/:/g, '')}.json`), ...extra]);
  agents.push(agent);
  await eventually(`${mac} online`, 15_000, async () => ((await api('GET', `/devices/${mac}`)).status === 200 ? true : undefined));
  expect((await api('POST', `/devices/${mac}/assign`, { tenant })).status).toBe(200);
  await eventually(`${mac} has its password`, 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
  return agent;
}

/** The ticketing client on PC m01: a real HTTP client posting a ticket to its local port. */
function submitTicket(port: number, ticket: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method: 'POST', path: '/tickets', agent: false, headers: { 'content-type': 'text/plain' } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(ticket);
  });
}

async function portOutsideLinks(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < linkPorts.from || port > linkPorts.to) return port;
  }
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-reverse-e2e-'));
  ticketing = createServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
    incoming.on('end', () => {
      tickets.push(body);
      response.writeHead(201, { 'content-type': 'text/plain' }).end(`ticket #${tickets.length} received by the ticketing server`);
    });
  });
  ticketing.on('connection', (socket: Socket) => ticketSockets.push(socket));
  ticketing.listen(0, 'localhost');
  await new Promise((resolve) => ticketing.once('listening', resolve));
  ticketPort = (ticketing.address() as AddressInfo).port;

  hub = serve({ dataDir: join(dir, 'hub'), port: await freePort(), env: { ...env, TETHER_DEVICELINK_PORTS: `${linkPorts.from}-${linkPorts.to}` } });
  await ready(hub);
  admin = await login(hub, { password: adminPassword });
  for (const [id, name] of [['munich', 'Site Munich'], ['istanbul', 'Site Istanbul']]) {
    expect((await api('POST', '/tenants', { id, name, password: `${id}-site-password` })).status).toBe(201);
  }
  siteOwner = await login(hub, { tenant: 'munich', password: 'munich-site-password' });
  await device(pcM01, 'munich');
  await device(pcI02, 'istanbul', ['--service-endpoint', '--allow', `localhost:${ticketPort}`]);
}, 90_000);

afterAll(async () => {
  for (const agent of agents) if (agent.child.exitCode === null && agent.child.signalCode === null) await terminate(agent);
  await terminate(hub);
  ticketSockets.forEach((socket) => socket.destroy());
  ticketing.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Data & Server reverse connections (DTT Reverse)', () => {
  it('carries a ticket from the client on PC m01 to the ticketing server beside PC i02, recorded as a session', async () => {
    const endpoints = await api('GET', '/protocol-apps/target-endpoints');
    expect((await endpoints.json<{ items: { endpoint: string }[] }>()).items.map((item) => item.endpoint)).toEqual(['hub', '00:11:22:33:44:E2']);

    const devicePort = await portOutsideLinks();
    const created = await api('POST', '/protocol-apps', {
      name: 'Ticketing Server Access',
      type: 'dtt-reverse',
      targetEndpoint: pcI02,
      targetHost: 'localhost',
      portMappings: [{ devicePort, targetPort: ticketPort }],
    });
    expect(created.status).toBe(201);
    const { id: appId } = await created.json<{ id: string }>();
    const catalogue = await api('GET', '/protocol-apps', undefined, siteOwner);
    expect((await catalogue.json<{ items: { id: string; name: string }[] }>()).items).toContainEqual(expect.objectContaining({ id: appId, name: 'Ticketing Server Access' }));

    expect((await api('PUT', `/devices/${pcM01}/protocol-apps/${appId}`, {}, siteOwner)).status).toBe(200);
    const connected = await api('POST', `/devices/${pcM01}/protocol-apps/${appId}/connect`, {}, siteOwner);
    expect(connected.status).toBe(201);
    const { sessions } = await connected.json<{ sessions: string[] }>();

    const confirmation = await submitTicket(devicePort, 'Title: printer jammed\nSite: Munich\n');
    expect(confirmation).toEqual({ status: 201, body: 'ticket #1 received by the ticketing server' });
    expect(tickets).toEqual(['Title: printer jammed\nSite: Munich\n']);

    expect((await api('POST', `/devices/${pcM01}/protocol-apps/${appId}/disconnect`, {}, siteOwner)).status).toBe(204);
    const session = await eventually('the session closed', 15_000, async () => {
      const found = await (await api('GET', `/sessions/${sessions[0] ?? ''}`)).json<Session>();
      return found.state === 'closed' ? found : undefined;
    });
    await eventually('the ticketing connection closed', 5000, async () => (ticketSockets.every((socket) => socket.destroyed) ? true : undefined));
    const toServer = ticketSockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
    const fromServer = ticketSockets.reduce((sum, socket) => sum + socket.bytesWritten, 0);
    expect(session).toMatchObject({
      kind: 'protocol-app',
      appId,
      mode: 'dtt-reverse',
      device: '00:11:22:33:44:E1',
      tenantId: 'munich',
      endpoint: '00:11:22:33:44:E2',
      target: `localhost:${ticketPort}`,
      terminationCause: 'deleted',
      streams: 1,
      bytesToDevice: toServer,
      bytesFromDevice: fromServer,
      bytesTransferred: toServer + fromServer,
    });
    const listed = await (await api('GET', '/sessions?kind=protocol-app')).json<{ items: { id: string }[] }>();
    expect(listed.items.map((item) => item.id)).toContain(sessions[0]);
  });
});
