// Acceptance (issue 15, proxies across nodes): three hub processes on one data directory, each
// binding its proxy ports on its own loopback address (--link-bind 127.0.0.1/.2/.3); a real
// agent is connected to hub C. A tcp-over-device proxy to an echo server beside the device
// carries 20 MB each way, byte for byte, through hub A's source port: A asks C for the stream,
// C dials the device. The session is recorded once, on A, with the exact totals. With hub C
// on https (its certificate from a private CA that hub A trusts through NODE_EXTRA_CA_CERTS),
// the stream between the nodes runs over TLS and carries the bytes the same.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, freePortOutside, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';
import { makeTestCa } from '../support/test-ca.js';

const adminPassword = 'proxy-through-peer-admin-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const linkPorts = { from: 45600, to: 45639 };
const mac = '00:11:22:33:66:C1';
const tlsMac = '00:11:22:33:66:C2';
const payloadBytes = 20 * 1024 * 1024;

interface Stored {
  readonly stream: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** Events of a type as any process reads them from the shared store. */
function eventsOfType(dataDir: string, type: string): Stored[] {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT stream, type, data FROM events WHERE type = ? ORDER BY position').all(type) as { stream: string; type: string; data: string }[];
    return rows.map((row) => ({ stream: row.stream, type: row.type, data: JSON.parse(row.data) as Stored['data'] }));
  } finally {
    db.close();
  }
}

/** Resolves with the bytes read once `expected` came, or rejects when the socket ends first. */
function readExactly(socket: Socket, expected: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= expected) resolve(Buffer.concat(chunks));
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the proxy connection closed after ${length} of ${expected} bytes`)));
  });
}

describe('a proxy on three hub processes, its device on hub C', () => {
  let dataDir: string;
  const hubs: TetherProcess[] = [];
  let agent: TetherProcess | undefined;
  const deviceSockets: Socket[] = [];
  let echo: Server;
  let admin: string;

  const api = (hub: TetherProcess, method: string, path: string, body?: object): Promise<Response> =>
    fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'tether-proxy-through-peer-'));
    // One after another: the first creates the data directory's secrets, the others read them.
    for (const [index, address] of ['127.0.0.1', '127.0.0.2', '127.0.0.3'].entries()) {
      const from = linkPorts.from + index * 10;
      const hub = serve({ dataDir, port: await freePort(), nodeId: `node-${'abc'[index] ?? ''}`, env, args: ['--link-ports', `${from}-${from + 9}`, '--link-bind', address] });
      hubs.push(hub);
      await ready(hub);
    }
    admin = await login(hubs[0] as TetherProcess, { password: adminPassword });
    echo = createServer((socket) => {
      deviceSockets.push(socket);
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    echo.listen(0, '127.0.0.1');
    await new Promise((resolve) => echo.once('listening', resolve));
  }, 90_000);

  afterAll(async () => {
    echo.close();
    for (const p of [...(agent === undefined ? [] : [agent]), ...hubs]) if (p.child.exitCode === null && p.child.signalCode === null) await terminate(p);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("carries 20 MB each way through hub A's port to the device C holds, and A records the session exactly", async () => {
    const [a, , c] = hubs as [TetherProcess, TetherProcess, TetherProcess];
    expect((await api(a, 'POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-tenant-password' })).status).toBe(201);
    const started = runCli(['agent', '--hub', c.baseUrl, '--mac', mac, '--state', join(dataDir, 'agent.json')]);
    agent = started;
    await eventually(`device ${mac} online`, 20_000, async () => ((await (await api(a, 'GET', `/devices/${mac}`)).json()) as { online?: boolean }).online === true || undefined);
    const assigned = await api(a, 'POST', `/devices/${mac}/assign`, { tenant: 'acme' });
    expect(assigned.status, await assigned.text()).toBe(200);
    await eventually('the device has its password', 15_000, async () => (started.stdout().includes('device password received') ? true : undefined));
    expect(eventsOfType(dataDir, 'DeviceConnected').at(-1)?.data.nodeId).toBe('node-c');

    const sourcePort = await freePortOutside(linkPorts);
    const devicePort = (echo.address() as AddressInfo).port;
    const created = await api(a, 'POST', '/proxies', { id: 'echo', name: 'echo', protocol: 'tcp-over-device', sourcePort, target: { tenant: 'acme', device: mac, address: '127.0.0.1', port: devicePort } });
    expect(created.status, await created.clone().text()).toBe(201);
    // The node a profile is created through binds its port before it answers: no probe (it would be a session).

    const sent = randomBytes(payloadBytes);
    const client = connect({ port: sourcePort, host: '127.0.0.1' });
    const echoed = readExactly(client, payloadBytes);
    client.end(sent);
    expect((await echoed).equals(sent)).toBe(true);
    client.destroy();
    await eventually('the device-side socket closed', 15_000, async () => (deviceSockets.length === 1 && deviceSockets.every((socket) => socket.destroyed) ? true : undefined));
    const atDevice = deviceSockets[0] as Socket;
    expect([atDevice.bytesRead, atDevice.bytesWritten]).toEqual([payloadBytes, payloadBytes]);

    const opened = eventsOfType(dataDir, 'ForwardOpened').filter((event) => event.data.sourceId === 'echo');
    expect(opened).toHaveLength(1);
    expect(opened[0]?.data).toMatchObject({ kind: 'proxy', mode: 'tcp-over-device', node: 'node-a', port: sourcePort, device: mac.replaceAll(':', '').toLowerCase() });
    const sessionStream = opened[0]?.stream;
    const closed = await eventually('the session recorded closed', 15_000, async () => eventsOfType(dataDir, 'ForwardClosed').find((event) => event.stream === sessionStream));
    expect(closed.data).toMatchObject({ bytesToTarget: payloadBytes, bytesFromTarget: payloadBytes, bytesTransferred: 2 * payloadBytes });
    expect(['client-closed', 'device-closed']).toContain(closed.data.cause);
    expect(eventsOfType(dataDir, 'ForwardClosed').filter((event) => event.stream === sessionStream)).toHaveLength(1);
  }, 120_000);
});

describe('a proxy on hub A, its device on hub C, which serves https', () => {
  let dataDir: string;
  const processes: TetherProcess[] = [];
  let echo: Server;
  let admin: string;

  beforeAll(async () => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'tether-proxy-through-peer-tls-'));
    const { ca, cert, key } = makeTestCa('tether proxy-through-peer CA');
    const file = (name: string, text: string): string => {
      writeFileSync(join(dataDir, name), text);
      return join(dataDir, name);
    };
    const [caFile, certFile, keyFile] = [file('ca.pem', ca), file('cert.pem', cert), file('key.pem', key)];
    const a = serve({ dataDir, port: await freePort(), nodeId: 'node-a', env: { ...env, NODE_EXTRA_CA_CERTS: caFile }, args: ['--link-ports', '45630-45634', '--link-bind', '127.0.0.1'] });
    processes.push(a);
    await ready(a);
    const portC = await freePort();
    processes.push(serve({ dataDir, port: portC, nodeId: 'node-c', env, args: ['--link-ports', '45635-45639', '--link-bind', '127.0.0.3', '--tls-cert', certFile, '--tls-key', keyFile] }));
    await eventually('hub C holds a lease at its https address', 20_000, async () =>
      eventsOfType(dataDir, 'NodeLeaseRenewed').some((event) => event.stream === 'node-node-c' && event.data.address === `https://127.0.0.1:${portC}`) || undefined,
    );
    admin = await login(a, { password: adminPassword });
    processes.push(runCli(['agent', '--hub', `https://127.0.0.1:${portC}`, '--ca', caFile, '--mac', tlsMac, '--state', join(dataDir, 'agent.json')]));
    echo = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    echo.listen(0, '127.0.0.1');
    await new Promise((resolve) => echo.once('listening', resolve));
  }, 90_000);

  afterAll(async () => {
    echo.close();
    for (const p of processes.reverse()) if (p.child.exitCode === null && p.child.signalCode === null) await terminate(p);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('carries the stream between the nodes over TLS', async () => {
    const a = processes[0] as TetherProcess;
    const agent = processes[2] as TetherProcess;
    const api = (method: string, path: string, body?: object): Promise<Response> =>
      fetch(`${a.baseUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await api('POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-tenant-password' })).status).toBe(201);
    await eventually(`device ${tlsMac} online`, 20_000, async () => ((await (await api('GET', `/devices/${tlsMac}`)).json()) as { online?: boolean }).online === true || undefined);
    // Asked of A, answered by C over https.
    const assigned = await api('POST', `/devices/${tlsMac}/assign`, { tenant: 'acme' });
    expect(assigned.status, await assigned.text()).toBe(200);
    await eventually('the device has its password', 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));

    const sourcePort = await freePortOutside(linkPorts);
    const target = { tenant: 'acme', device: tlsMac, address: '127.0.0.1', port: (echo.address() as AddressInfo).port };
    const created = await api('POST', '/proxies', { id: 'echo-tls', name: 'echo-tls', protocol: 'tcp-over-device', sourcePort, target });
    expect(created.status, await created.clone().text()).toBe(201);
    const sent = randomBytes(2 * 1024 * 1024);
    const client = connect({ port: sourcePort, host: '127.0.0.1' });
    const echoed = readExactly(client, sent.length);
    client.end(sent);
    expect((await echoed).equals(sent)).toBe(true);
    client.destroy();
    const opened = eventsOfType(dataDir, 'ForwardOpened').find((event) => event.data.sourceId === 'echo-tls');
    expect(opened?.data).toMatchObject({ node: 'node-a' });
    const closed = await eventually('the session recorded closed', 15_000, async () => eventsOfType(dataDir, 'ForwardClosed').find((event) => event.stream === opened?.stream));
    expect(closed.data).toMatchObject({ bytesToTarget: sent.length, bytesFromTarget: sent.length });
  }, 120_000);
});
