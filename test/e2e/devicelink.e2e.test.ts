// Acceptance for DeviceLink with real processes: `tether serve`, a real `tether agent`, and
// `tether link open --encrypt` serving a plain local port that carries HTTP to the device;
// then the agent killed in mid-transfer ends its link with cause device-offline. The session
// records' byte totals are checked against what the device's sockets saw.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'devicelink-e2e-admin-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const mac = '00:11:22:33:44:D1';

interface Session {
  readonly state: 'open' | 'closed';
  readonly terminationCause?: string;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly bytesTransferred: number;
}

let dir: string;
let hub: TetherProcess;
let agent: TetherProcess;
let admin: string;
const servers: Server[] = [];

async function api(method: string, path: string, body?: object): Promise<{ status: number; json: () => Promise<unknown> }> {
  const response = await fetch(`${hub.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: () => response.json() as Promise<unknown> };
}

const closedSession = (tunnelId: string): Promise<Session> =>
  eventually(`session ${tunnelId} closed`, 15_000, async () => {
    const response = await api('GET', `/sessions/${tunnelId}`);
    const session = (await response.json()) as Session;
    return session.state === 'closed' ? session : undefined;
  });

async function listening(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-devicelink-e2e-'));
  hub = serve({ dataDir: join(dir, 'hub'), port: await freePort(), env: { ...env, TETHER_DEVICELINK_PORTS: '43000-43999' } });
  await ready(hub);
  admin = await login(hub, { password: adminPassword });
  expect((await api('POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-tenant-password' })).status).toBe(201);
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

describe('tether link open --encrypt', () => {
  it('serves a plain local port that carries HTTP to the device, and closes the link on SIGINT', async () => {
    const deviceSockets: Socket[] = [];
    const web = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => response.end(`device got ${request.method ?? ''} ${request.url ?? ''} with ${body.length} bytes`));
    });
    web.on('connection', (socket: Socket) => deviceSockets.push(socket));
    const devicePort = await listening(web);

    const link = runCli(['link', 'open', mac, '--port', String(devicePort), '--encrypt', '--json', '--hub', hub.baseUrl, '--token', admin]);
    const opened = await eventually('the link open', 15_000, async () => {
      const line = link.stdout().split('\n').find((text) => text.startsWith('{'));
      return line === undefined ? undefined : (JSON.parse(line) as { port: number; token: string; encrypted: boolean });
    });
    expect(opened.encrypted).toBe(true);

    const first = await fetch(`http://127.0.0.1:${opened.port}/status`);
    expect(await first.text()).toBe('device got GET /status with 0 bytes');
    const upload = 'x'.repeat(200_000);
    const second = await fetch(`http://127.0.0.1:${opened.port}/upload`, { method: 'POST', body: upload });
    expect(await second.text()).toBe(`device got POST /upload with ${upload.length} bytes`);

    link.child.kill('SIGINT');
    expect(await link.exited).toBe(0);
    const session = await closedSession(opened.token.slice(0, opened.token.indexOf('.')));
    expect(session.terminationCause).toBe('deleted');
    await eventually('the device sockets closed', 5000, async () => (deviceSockets.every((socket) => socket.destroyed) ? true : undefined));
    const toDevice = deviceSockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
    const fromDevice = deviceSockets.reduce((sum, socket) => sum + socket.bytesWritten, 0);
    expect(session).toMatchObject({ bytesToDevice: toDevice, bytesFromDevice: fromDevice, bytesTransferred: toDevice + fromDevice });
  });
});

describe('a device that goes away', () => {
  it('ends its link with cause device-offline when the agent is killed in mid-transfer', async () => {
    let received = 0;
    const sink = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.on('error', () => undefined);
    });
    const devicePort = await listening(sink);
    const response = await api('POST', `/devicelink/${mac}`, { protocol: 'tcp', devicePort });
    expect(response.status).toBe(201);
    const { port, token } = (await response.json()) as { port: number; token: string };

    const client = connect({ port, host: '127.0.0.1' });
    client.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = (): void => {
      while (!client.destroyed && client.write(chunk));
    };
    client.on('drain', pump);
    client.on('connect', pump);
    await eventually('bytes at the device', 15_000, async () => (received > 1024 * 1024 ? true : undefined));
    agent.child.kill('SIGKILL');
    await agent.exited;

    const session = await closedSession(token.slice(0, token.indexOf('.')));
    expect(session.terminationCause).toBe('device-offline');
    expect(session.bytesToDevice).toBeGreaterThanOrEqual(received);
    client.destroy();
  });
});
