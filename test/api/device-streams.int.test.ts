// Two hubs in one process on one data directory, A on 127.0.0.1 and B on 127.0.0.2 (as
// --link-bind and --internal-url would put them on two machines); a real agent is connected to
// B. A proxy's stream through the device, taken on A's source port, is carried by B over one
// connection between the nodes; B refuses a stream whose marker does
// not verify, and a device no node holds is device_offline as on one node. A protocol
// application connected through A answers with B's host, where its port is.
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import type { DeviceStreamRequest } from '../../actors/node/cluster-dialer.js';
import { systemClock } from '../../actors/runtime/system-clock.js';
import { deviceStreamProtocol, deviceStreamUrl } from '../../api/device-stream-request.js';
import { ForwardingKey, forwardingHeader } from '../../api/forwarding-marker.js';
import { buildHub } from '../../api/hub.js';
import type { Hub } from '../../api/hub.js';
import { peerDeviceStreams } from '../../api/peer-device-streams.js';
import { requestPeerStream } from '../../data-plane/peer-stream.js';
import { parseMac } from '../../domain/device/mac.js';
import { eventually } from '../e2e/tether-process.js';
import { echoServer, exchange, portOutside } from './forward-fixture.js';
import type { EchoServer } from './forward-fixture.js';
import { storedEvent } from './gateway-client.js';
import { adminPassword, clusterNodeConfig, tokenSecret } from './hub-harness.js';

const mac = parseMac('00:11:22:AA:BB:E5');
const offlineMac = parseMac('00:11:22:AA:BB:E6');
const linkPorts = { from: 44400, to: 44419 };
const waitMs = 10_000;

let dir = '';
let a: Hub;
let b: Hub;
/** B's internal URL, from its lease. */
let addressB = '';
let admin = '';
let agent: AgentHandle;
let echo: EchoServer;

async function hubOn(nodeId: string, host: string, offset: number): Promise<{ hub: Hub; url: string }> {
  const hub = await buildHub({ ...clusterNodeConfig(dir, nodeId, host, { from: linkPorts.from + offset, to: linkPorts.from + offset + 9 }), logLevel: 'silent' });
  await hub.app.listen({ port: 0, host });
  return { hub, url: `http://${host}:${(hub.app.server.address() as AddressInfo).port}` };
}

const call = async (hub: Hub, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  hub.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${admin}` }, ...(payload === undefined ? {} : { payload }) });

const target = (): { host: string; port: number } => ({ host: '127.0.0.1', port: echo.port });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tether-device-streams-'));
  echo = await echoServer('device:');
  a = (await hubOn('node-a', '127.0.0.1', 0)).hub;
  const started = await hubOn('node-b', '127.0.0.2', 10);
  b = started.hub;
  const lease = await storedEvent(a.store, 'node-node-b', (event) => event.type === 'NodeLeaseRenewed' && (event.data as { address: string }).address !== '');
  addressB = (lease.data as { address: string }).address;
  expect(addressB).toBe(started.url);
  const login = await a.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
  admin = (login.json() as { token: string }).token;
  expect((await call(a, 'POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-password' })).statusCode).toBe(201);
  agent = startAgent({ hub: started.url, mac, logger: () => undefined, backoff: { baseMs: 20, maxMs: 200, random: () => 0 } });
  await once(agent.events, 'online', { signal: AbortSignal.timeout(waitMs) });
  const password = once(agent.events, 'password', { signal: AbortSignal.timeout(waitMs) });
  const assigned = await call(a, 'POST', `/devices/${mac}/assign`, { tenant: 'acme' });
  expect(assigned.statusCode, assigned.body).toBe(200);
  await password;
});

afterAll(async () => {
  await agent.stop();
  await Promise.all([a.close(), b.close()]);
  await echo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a proxy's stream through a device another node holds", () => {
  it("is carried by that node: bytes both ways, and the session recorded on the node whose port the client reached", async () => {
    const sourcePort = await portOutside(linkPorts);
    const created = await call(a, 'POST', '/proxies', { id: 'ssh', name: 'ssh', protocol: 'tcp-over-device', sourcePort, target: { tenant: 'acme', device: mac, ...{ address: '127.0.0.1', port: echo.port } } });
    expect(created.statusCode, created.body).toBe(201);
    const payload = randomBytes(1024 * 1024);
    const answer = await exchange(sourcePort, payload);
    expect(answer.length).toBe(payload.length + 'device:'.length);
    expect(answer.equals(Buffer.concat([Buffer.from('device:'), payload]))).toBe(true);

    const opened = await storedEvent(a.store, { category: 'forward' }, (event) => event.type === 'ForwardOpened' && (event.data as { sourceId: string }).sourceId === 'ssh');
    expect(opened.data).toMatchObject({ node: 'node-a', device: mac, mode: 'tcp-over-device' });
    const closed = await storedEvent(a.store, opened.stream, (event) => event.type === 'ForwardClosed');
    expect(closed.data).toMatchObject({ bytesToTarget: payload.length, bytesFromTarget: payload.length + 'device:'.length });
    const streamOpened = await storedEvent(a.store, opened.stream, (event) => event.type === 'ForwardStreamOpened');
    expect(streamOpened.data).toMatchObject({ agentIP: '127.0.0.1' });
    // B carried it, and recorded no session of its own for it.
    const sessions = (await a.store.readAll({ maxCount: 100_000 })).filter((event) => event.type === 'ForwardOpened');
    expect(sessions.map((event) => (event.data as { node: string }).node)).toEqual(['node-a']);
  });

  it('serves http-over-device through the other node, and a target the agent refuses is target-refused there too', async () => {
    const web = createHttpServer((incoming, response) => response.end(`device web: ${incoming.url ?? ''}`));
    web.listen(0, '127.0.0.1');
    await once(web, 'listening');
    const webPort = (web.address() as AddressInfo).port;
    const httpPort = await portOutside(linkPorts);
    const http = await call(a, 'POST', '/proxies', { id: 'web', name: 'web', protocol: 'http-over-device', sourcePort: httpPort, target: { tenant: 'acme', device: mac, address: '127.0.0.1', port: webPort } });
    expect(http.statusCode, http.body).toBe(201);
    const page = await fetch(`http://127.0.0.1:${httpPort}/status`, { headers: { connection: 'close' } });
    expect([page.status, await page.text()]).toEqual([200, 'device web: /status']);
    web.close();

    const refusedPort = await portOutside(linkPorts);
    const refused = await call(a, 'POST', '/proxies', { id: 'not-allowed', name: 'not-allowed', protocol: 'tcp-over-device', sourcePort: refusedPort, target: { tenant: 'acme', device: mac, address: '192.0.2.1', port: 80 } });
    expect(refused.statusCode, refused.body).toBe(201);
    expect((await exchange(refusedPort, 'x')).length).toBe(0);
    const opened = await storedEvent(a.store, { category: 'forward' }, (event) => event.type === 'ForwardOpened' && (event.data as { sourceId: string }).sourceId === 'not-allowed');
    const closed = await storedEvent(a.store, opened.stream, (event) => event.type === 'ForwardClosed');
    expect(closed.data).toMatchObject({ cause: 'target-refused' });
  });

  it("ends the device's side when the client resets, and the client's when the device's side closes", async () => {
    const sourcePort = await portOutside(linkPorts);
    const created = await call(a, 'POST', '/proxies', { id: 'ends', name: 'ends', protocol: 'tcp-over-device', sourcePort, target: { tenant: 'acme', device: mac, address: '127.0.0.1', port: echo.port } });
    expect(created.statusCode, created.body).toBe(201);
    const live = async (): Promise<{ client: Socket; atDevice: Socket }> => {
      const before = echo.sockets.length;
      const client = connect({ port: sourcePort, host: '127.0.0.1' });
      client.on('error', () => undefined);
      await once(client, 'data');
      const atDevice = await eventually('the device side connected', waitMs, async () => (echo.sockets.length > before ? echo.sockets.at(-1) : undefined));
      return { client, atDevice };
    };
    const first = await live();
    first.client.resetAndDestroy();
    await eventually("the device's side closed", waitMs, async () => (first.atDevice.destroyed ? true : undefined));
    const second = await live();
    second.atDevice.destroy();
    await eventually("the client's side closed", waitMs, async () => (second.client.destroyed || second.client.readableEnded ? true : undefined));
    second.client.destroy();
  });
});

describe('the node holding the device', () => {
  const request = (): DeviceStreamRequest => ({ mac, target: target(), tenantId: 'acme' });
  const ask = (marker: string | undefined, url: string) =>
    requestPeerStream(new URL(`${addressB}${url}`), { protocol: deviceStreamProtocol, clock: systemClock, headers: marker === undefined ? {} : { [forwardingHeader]: marker } });
  const markerOf = (key: ForwardingKey, url: string, forNode = 'node-b') => key.sign({ method: 'GET', url, body: '', clientIp: '10.0.0.1' }, systemClock.now(), forNode);

  it('refuses a stream without a marker (401) or with one that does not verify (403), and dials nothing', async () => {
    const url = deviceStreamUrl(request());
    const dialled = echo.sockets.length;
    const missing = await ask(undefined, url);
    expect(missing.kind === 'refused' ? [missing.status, JSON.parse(missing.body) as unknown] : missing.kind).toMatchObject([401, { error: { code: 'unauthenticated' } }]);
    const forgeries = [
      'not-a-marker',
      markerOf(new ForwardingKey('another-secret-of-another-cluster-0123456789', 'node-a'), url),
      // Made for another tenant: a marker does not carry over to another request.
      markerOf(new ForwardingKey(tokenSecret, 'node-a'), deviceStreamUrl({ ...request(), tenantId: 'other' })),
      // Made for another node.
      markerOf(new ForwardingKey(tokenSecret, 'node-a'), url, 'node-c'),
    ];
    for (const marker of forgeries) {
      const answer = await ask(marker, url);
      expect(answer.kind === 'refused' ? [answer.status, JSON.parse(answer.body) as unknown] : answer.kind).toMatchObject([403, { error: { code: 'forwarding_refused' } }]);
    }
    // A marked stream is dialled: the refused ones were not.
    const marked = await ask(markerOf(new ForwardingKey(tokenSecret, 'node-a'), url), url);
    expect(marked.kind).toBe('upgraded');
    if (marked.kind === 'upgraded') marked.socket.destroy();
    await eventually('the marked stream reached the target', waitMs, async () => (echo.sockets.length === dialled + 1 ? true : undefined));
  });

  it('answers a refusal the asking node turns back into the same error', async () => {
    const peers = peerDeviceStreams(new ForwardingKey(tokenSecret, 'node-a'), systemClock);
    const nodeB = { nodeId: 'node-b', address: addressB };
    await expect(peers.open(nodeB, { ...request(), mac: offlineMac }, {})).rejects.toMatchObject({ code: 'device_offline' });
    const local = await b.forwards.dialer.dialTcp(mac, target(), { tenantId: 'other' }).catch((error: unknown) => error);
    await expect(peers.open(nodeB, { ...request(), tenantId: 'other' }, {})).rejects.toMatchObject({ code: (local as { code: string }).code });
  });
});

describe('a device no live node holds', () => {
  it('is device_offline through any node, as on one node', async () => {
    const onOne = await b.forwards.dialer.dialTcp(offlineMac, target(), { tenantId: 'acme' }).catch((error: unknown) => error);
    expect(onOne).toMatchObject({ code: 'device_offline' });
    await expect(a.forwards.streams.dialTcp(offlineMac, target(), { tenantId: 'acme' })).rejects.toMatchObject({ code: 'device_offline' });
  });
});

describe('a protocol application connected through a node that does not hold the device', () => {
  it("answers with the holding node's host, where its port is bound", async () => {
    const created = await call(a, 'POST', '/protocol-apps', { name: 'Echo', type: 'tcp', devicePort: echo.port });
    expect(created.statusCode, created.body).toBe(201);
    const appId = (created.json() as { id: string }).id;
    expect((await call(a, 'PUT', `/devices/${mac}/protocol-apps/${appId}`, {})).statusCode).toBe(200);
    const connected = await call(a, 'POST', `/devices/${mac}/protocol-apps/${appId}/connect`, {});
    expect(connected.statusCode, connected.body).toBe(201);
    const { host, port } = connected.json() as { host: string; port: number };
    expect(host).toBe('127.0.0.2');
    const answer = await exchange(port, 'hello', host);
    expect(answer.toString()).toBe('device:hello');
  });
});

// Last: the device goes away for good.
describe('a device that goes away from the node holding it', () => {
  it('ends a stream taken on another node with cause device-offline, as on one node', async () => {
    const sourcePort = await portOutside(linkPorts);
    const created = await call(a, 'POST', '/proxies', { id: 'goes-away', name: 'goes-away', protocol: 'tcp-over-device', sourcePort, target: { tenant: 'acme', device: mac, address: '127.0.0.1', port: echo.port } });
    expect(created.statusCode, created.body).toBe(201);
    const client = connect({ port: sourcePort, host: '127.0.0.1' });
    client.on('error', () => undefined);
    await once(client, 'data', { signal: AbortSignal.timeout(waitMs) });
    await agent.stop();
    const opened = await storedEvent(a.store, { category: 'forward' }, (event) => event.type === 'ForwardOpened' && (event.data as { sourceId: string }).sourceId === 'goes-away');
    const closed = await storedEvent(a.store, opened.stream, (event) => event.type === 'ForwardClosed');
    expect(closed.data).toMatchObject({ cause: 'device-offline' });
    client.destroy();
  });
});
