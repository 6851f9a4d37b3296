// Proxy profiles with real processes (seeds/proxies.txt): `tether serve` and a real
// `tether agent`. A proxy to a real TLS server verified against a private CA generated here
// (and refused with a wrong CA); a UDP proxy; tcp-over-device and http-over-device through the
// agent to a real HTTP server, fetched by a real HTTP client; the enabled switch toggling the
// port; non-admins refused; an id change refused; sessions with exact byte counts.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa } from '../support/test-ca.js';
import { assertBuilt, eventually, freePort, freePortOutside, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'proxies-e2e-admin-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const mac = '00:11:22:33:44:F1';
const linkPorts = { from: 45000, to: 45999 };

interface Session {
  readonly state: string;
  readonly proxyId?: string;
  readonly terminationCause?: string;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly [field: string]: unknown;
}

let dir: string;
let hub: TetherProcess;
let agent: TetherProcess;
let admin: string;
let tenantAdmin: string;
const servers: { close(): unknown }[] = [];

async function api(method: string, path: string, body?: object, token = admin): Promise<{ status: number; json: <T>() => Promise<T> }> {
  const response = await fetch(`${hub.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: <T>() => response.json() as Promise<T> };
}

const sourcePort = (): Promise<number> => freePortOutside(linkPorts);

async function proxy(id: string, protocol: string, target: object, extra: object = {}): Promise<number> {
  const port = await sourcePort();
  const response = await api('POST', '/proxies', { id, name: id, protocol, sourcePort: port, target, ...extra });
  expect(response.status, JSON.stringify(await response.json())).toBe(201);
  return port;
}

async function exchange(port: number, payload: string | Buffer): Promise<Buffer> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.end(payload);
  await new Promise((resolve) => socket.once('close', resolve));
  return Buffer.concat(chunks);
}

const closedSession = (proxyId: string): Promise<Session> =>
  eventually(`a closed session of ${proxyId}`, 15_000, async () => {
    const { items } = await (await api('GET', '/sessions?kind=proxy&state=closed')).json<{ items: Session[] }>();
    return items.find((session) => session.proxyId === proxyId);
  });

async function listening<T extends Server | tls.Server>(server: T, host = '127.0.0.1'): Promise<number> {
  servers.push(server);
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-proxies-e2e-'));
  hub = serve({ dataDir: join(dir, 'hub'), port: await freePort(), env: { ...env, TETHER_DEVICELINK_PORTS: `${linkPorts.from}-${linkPorts.to}` } });
  await ready(hub);
  admin = await login(hub, { password: adminPassword });
  expect((await api('POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-tenant-password' })).status).toBe(201);
  tenantAdmin = await login(hub, { tenant: 'acme', password: 'acme-tenant-password' });
  agent = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--state', join(dir, 'agent.json')]);
  await eventually('the agent online', 15_000, async () => ((await api('GET', `/devices/${mac}`)).status === 200 ? true : undefined));
  expect((await api('POST', `/devices/${mac}/assign`, { tenant: 'acme' })).status).toBe(200);
  await eventually('the device password delivered', 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
}, 60_000);

afterAll(async () => {
  servers.forEach((server) => server.close());
  if (agent.child.exitCode === null && agent.child.signalCode === null) await terminate(agent);
  await terminate(hub);
  rmSync(dir, { recursive: true, force: true });
});

describe('proxy profiles, end to end', () => {
  it('are refused to non-admins, and never change their id', async () => {
    const port = await proxy('fixed', 'tcp', { type: 'host', address: '127.0.0.1', port: 9 });
    expect((await api('GET', '/proxies', undefined, tenantAdmin)).status).toBe(403);
    expect((await api('POST', '/proxies', { id: 'mine', name: 'mine', protocol: 'tcp', sourcePort: port + 1, target: { type: 'host', address: '127.0.0.1', port: 9 } }, tenantAdmin)).status).toBe(403);
    const renamed = await api('PUT', '/proxies/fixed', { id: 'renamed', name: 'fixed', protocol: 'tcp', sourcePort: port, target: { type: 'host', address: '127.0.0.1', port: 9 } });
    expect(renamed.status).toBe(400);
    expect((await api('GET', '/proxies/fixed')).status).toBe(200);
  });

  it('reach a real TLS server verified against a private CA, and refuse it with a wrong CA', async () => {
    const ca = makeTestCa('Tether E2E CA');
    const wrong = makeTestCa('Wrong CA');
    const secure = tls.createServer({ key: ca.key, cert: ca.cert }, (socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    const securePort = await listening(secure);
    const good = await proxy('tls-good', 'tcp', { type: 'host', address: '127.0.0.1', port: securePort, tls: { ca: ca.ca } });
    const bad = await proxy('tls-bad', 'tcp', { type: 'host', address: '127.0.0.1', port: securePort, tls: { ca: wrong.ca } });
    expect((await exchange(good, 'over tls')).toString()).toBe('over tls');
    expect((await exchange(bad, 'over tls')).length).toBe(0);
    expect(await closedSession('tls-good')).toMatchObject({ tls: true, bytesToDevice: 8, bytesFromDevice: 8, terminationCause: 'client-closed' });
    expect((await closedSession('tls-bad')).terminationCause).toBe('target-refused');
  });

  it('carry UDP datagrams each way, the flow ending idle with exact totals', async () => {
    const echo = createSocket('udp4');
    echo.on('message', (datagram, peer) => echo.send(datagram, peer.port, peer.address));
    echo.bind(0, '127.0.0.1');
    await once(echo, 'listening');
    servers.push(echo);
    const port = await proxy('udp', 'udp', { type: 'host', address: '127.0.0.1', port: (echo.address() as AddressInfo).port }, { timeout: 1000 });
    const client = createSocket('udp4');
    servers.push(client);
    for (const size of [1000, 10]) {
      const answer = once(client, 'message') as Promise<[Buffer]>;
      client.send(Buffer.alloc(size, 1), port, '127.0.0.1');
      expect((await answer)[0].length).toBe(size);
    }
    expect(await closedSession('udp')).toMatchObject({ protocol: 'udp', terminationCause: 'idle-timeout', bytesToDevice: 1010, bytesFromDevice: 1010 });
  });

  it('carry tcp-over-device and http-over-device through the real agent to a real HTTP server', async () => {
    const deviceSockets: Socket[] = [];
    const web = createHttpServer((incoming, response) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
      incoming.on('end', () => response.writeHead(200, { 'x-frame-options': 'DENY' }).end(`device says ${incoming.method ?? ''} ${incoming.url ?? ''} ${body}`));
    });
    web.on('connection', (socket: Socket) => deviceSockets.push(socket));
    const webPort = await listening(web);
    const target = { tenant: 'acme', device: mac, address: '127.0.0.1', port: webPort };
    const raw = await proxy('tcp-device', 'tcp-over-device', target);
    const answer = await exchange(raw, 'GET /raw HTTP/1.1\r\nHost: device\r\nConnection: close\r\n\r\n');
    expect(answer.toString()).toMatch(/device says GET \/raw/);
    const session = await closedSession('tcp-device');
    await eventually('the device socket closed', 5000, async () => (deviceSockets.every((socket) => socket.destroyed) ? true : undefined));
    expect(session).toMatchObject({ device: '00:11:22:33:44:F1', bytesToDevice: deviceSockets[0]?.bytesRead, bytesFromDevice: deviceSockets[0]?.bytesWritten });

    const viaHttp = await proxy('http-device', 'http-over-device', { ...target, frameAncestors: ['https://dashboard.example.com'] });
    const page = await fetch(`http://127.0.0.1:${viaHttp}/page`, { method: 'POST', body: 'hello' });
    expect(await page.text()).toBe('device says POST /page hello');
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('content-security-policy')).toBe('frame-ancestors https://dashboard.example.com');
  });

  it('open and close the source port with the enabled switch', async () => {
    const echo = createServer((socket: Socket) => socket.pipe(socket));
    const port = await proxy('switch', 'tcp', { type: 'host', address: '127.0.0.1', port: await listening(echo) });
    const isOpen = (): Promise<boolean> =>
      new Promise((resolve) => {
        const socket = connect({ port, host: '127.0.0.1' });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    expect((await api('POST', '/proxies/switch/disable', {})).status).toBe(200);
    expect(await isOpen()).toBe(false);
    expect((await api('POST', '/proxies/switch/enable', {})).status).toBe(200);
    expect((await exchange(port, 'on again')).toString()).toBe('on again');
  });
});
