// Acceptance (issue 15, proxies across nodes): three hub processes on one store
// (cluster-store.ts), each binding its proxy ports on its own loopback address (--link-bind
// 127.0.0.1/.2/.3); a real agent is connected to hub C. A tcp-over-device proxy to an echo
// server beside the device carries 20 MB each way, byte for byte, through hub A's source port:
// A asks C for the stream, C dials the device. The session is recorded once, on A, with the
// exact totals. With hub C on https (its certificate from a private CA that hub A trusts through
// NODE_EXTRA_CA_CERTS), the stream between the nodes runs over TLS and carries the bytes the same.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { makeTestCa } from '../support/test-ca.js';
import { ClusterStore } from './cluster-store.js';
import { deviceEchoServer, readExactly } from './link-traffic.js';
import type { ClusterNode } from './cluster-store.js';
import { assertBuilt, eventually, freePort, freePortOutside, login, ready, runCli, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const linkPorts = { from: 45600, to: 45639 };
const payloadBytes = 20 * 1024 * 1024;

/** Sends `sent` through the proxy on hub A's address, half-closes, and checks the echo byte for byte. */
async function echoedThrough(sourcePort: number, sent: Buffer): Promise<void> {
  const client = connect({ port: sourcePort, host: '127.0.0.1' });
  const echoed = readExactly(client, sent.length);
  client.end(sent);
  expect((await echoed).equals(sent)).toBe(true);
  client.destroy();
}

/** A cluster on its own store, an echo server beside the device, and the API of its first node as the admin. */
class ProxyCluster {
  readonly store: ClusterStore;
  readonly processes: TetherProcess[] = [];
  readonly deviceSockets: Socket[] = [];
  readonly tenant: string;
  readonly mac: string;
  readonly adminPassword: string;
  echo: Server | undefined;
  private admin = '';

  constructor(prefix: string, mac: string) {
    this.store = new ClusterStore(prefix);
    this.tenant = this.store.name('acme');
    this.mac = this.store.mac(mac);
    this.adminPassword = this.store.adminPassword(`${prefix}-admin-password`);
  }

  get env(): NodeJS.ProcessEnv {
    return { TETHER_ADMIN_PASSWORD: this.adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
  }

  async startEcho(): Promise<number> {
    this.echo = await deviceEchoServer(this.deviceSockets);
    return (this.echo.address() as AddressInfo).port;
  }

  async logIn(hub: TetherProcess): Promise<void> {
    this.admin = await login(hub, { password: this.adminPassword });
  }

  api(hub: TetherProcess, method: string, path: string, body?: object): Promise<Response> {
    return fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** The tenant, and the device's agent connected to the hub at `hubUrl`, online and assigned through `a`. */
  async deviceOn(a: TetherProcess, hubUrl: string, agentArgs: readonly string[] = []): Promise<void> {
    expect((await this.api(a, 'POST', '/tenants', { id: this.tenant, name: 'Acme', password: 'acme-tenant-password' })).status).toBe(201);
    const agent = runCli(['agent', '--hub', hubUrl, '--mac', this.mac, '--state', join(this.store.dataDir, 'agent.json'), ...agentArgs]);
    this.processes.push(agent);
    await eventually(`device ${this.mac} online`, 20_000, async () => ((await (await this.api(a, 'GET', `/devices/${this.mac}`)).json()) as { online?: boolean }).online === true || undefined);
    // Asked of A, answered by the node holding the device.
    const assigned = await this.api(a, 'POST', `/devices/${this.mac}/assign`, { tenant: this.tenant });
    expect(assigned.status, await assigned.text()).toBe(200);
    await eventually('the device has its password', 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
  }

  /** A tcp-over-device proxy created through `a` to the echo server; its source port. */
  async proxy(a: TetherProcess, id: string, echoPort: number): Promise<number> {
    const sourcePort = await freePortOutside(linkPorts);
    const target = { tenant: this.tenant, device: this.mac, address: '127.0.0.1', port: echoPort };
    // The node a profile is created through binds its port before it answers: no probe (it would be a session).
    const created = await this.api(a, 'POST', '/proxies', { id, name: id, protocol: 'tcp-over-device', sourcePort, target });
    expect(created.status, await created.clone().text()).toBe(201);
    return sourcePort;
  }

  /** The one session of proxy `id`, as the store records it, once it is closed. */
  async sessionOf(a: TetherProcess, id: string): Promise<{ readonly opened: RecordedEvent[]; readonly closed: RecordedEvent[] }> {
    const mine = await eventually(`the session of ${id} listed closed`, 15_000, async () => {
      const listed = (await (await this.api(a, 'GET', '/sessions?kind=proxy&state=closed')).json()) as { items: { id: string; proxyId?: string }[] };
      const sessions = listed.items.filter((session) => session.proxyId === id);
      return sessions.length > 0 ? sessions : undefined;
    });
    expect(mine).toHaveLength(1);
    const events = await this.store.eventsOf(`forward-${mine[0]?.id ?? ''}`);
    return { opened: events.filter((event) => event.type === 'ForwardOpened'), closed: events.filter((event) => event.type === 'ForwardClosed') };
  }

  async close(): Promise<void> {
    this.echo?.close();
    for (const p of [...this.processes].reverse()) if (p.child.exitCode === null && p.child.signalCode === null) await terminate(p);
    await this.store.close();
  }
}

describe('a proxy on three hub processes, its device on hub C', () => {
  const cluster = new ProxyCluster('proxy-through-peer', '00:11:22:33:66:C1');
  const hubs: ClusterNode[] = [];

  beforeAll(async () => {
    assertBuilt();
    // One after another: the first creates the data directory's secrets, the others read them.
    for (const [index, address] of ['127.0.0.1', '127.0.0.2', '127.0.0.3'].entries()) {
      const from = linkPorts.from + index * 10;
      const hub = cluster.store.serve({ port: await freePort(), nodeId: `node-${'abc'[index] ?? ''}`, env: cluster.env, args: ['--link-ports', `${from}-${from + 9}`, '--link-bind', address] });
      hubs.push(hub);
      cluster.processes.push(hub);
      await ready(hub);
    }
    await cluster.logIn(hubs[0] as ClusterNode);
  }, 90_000);

  afterAll(() => cluster.close());

  it("carries 20 MB each way through hub A's port to the device C holds, and A records the session exactly", async () => {
    const [a, , c] = hubs as [ClusterNode, ClusterNode, ClusterNode];
    await cluster.deviceOn(a, c.baseUrl);
    const canonical = cluster.mac.replaceAll(':', '').toLowerCase();
    expect((await cluster.store.eventsOf(`device-${canonical}`)).filter((event) => event.type === 'DeviceConnected').at(-1)?.data.nodeId).toBe(c.nodeId);

    const proxyId = cluster.store.name('echo');
    const sourcePort = await cluster.proxy(a, proxyId, await cluster.startEcho());
    await echoedThrough(sourcePort, randomBytes(payloadBytes));
    await eventually('the device-side socket closed', 15_000, async () => (cluster.deviceSockets.length === 1 && cluster.deviceSockets.every((socket) => socket.destroyed) ? true : undefined));
    const atDevice = cluster.deviceSockets[0] as Socket;
    expect([atDevice.bytesRead, atDevice.bytesWritten]).toEqual([payloadBytes, payloadBytes]);

    const { opened, closed } = await cluster.sessionOf(a, proxyId);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.data).toMatchObject({ kind: 'proxy', mode: 'tcp-over-device', node: a.nodeId, port: sourcePort, device: canonical });
    expect(closed).toHaveLength(1);
    expect(closed[0]?.data).toMatchObject({ bytesToTarget: payloadBytes, bytesFromTarget: payloadBytes, bytesTransferred: 2 * payloadBytes });
    expect(['client-closed', 'device-closed']).toContain((closed[0]?.data as { cause: string }).cause);
  }, 120_000);
});

describe('a proxy on hub A, its device on hub C, which serves https', () => {
  const cluster = new ProxyCluster('proxy-through-peer-tls', '00:11:22:33:66:C2');
  let a: ClusterNode;
  let hubC = '';
  let caFile = '';

  beforeAll(async () => {
    assertBuilt();
    const { dataDir } = cluster.store;
    const { ca, cert, key } = makeTestCa('tether proxy-through-peer CA');
    const file = (name: string, text: string): string => {
      writeFileSync(join(dataDir, name), text);
      return join(dataDir, name);
    };
    caFile = file('ca.pem', ca);
    a = cluster.store.serve({ port: await freePort(), nodeId: 'node-a', env: { ...cluster.env, NODE_EXTRA_CA_CERTS: caFile }, args: ['--link-ports', '45630-45634', '--link-bind', '127.0.0.1'] });
    cluster.processes.push(a);
    await ready(a);
    const portC = await freePort();
    hubC = `https://127.0.0.1:${portC}`;
    // Its internal URL is the https address it listens on; the agent waits for it to be up.
    cluster.processes.push(cluster.store.serve({ port: portC, nodeId: 'node-c', env: cluster.env, args: ['--link-ports', '45635-45639', '--link-bind', '127.0.0.3', '--tls-cert', file('cert.pem', cert), '--tls-key', file('key.pem', key)] }));
    await cluster.logIn(a);
  }, 90_000);

  afterAll(() => cluster.close());

  it('carries the stream between the nodes over TLS', async () => {
    await cluster.deviceOn(a, hubC, ['--ca', caFile]);
    const proxyId = cluster.store.name('echo-tls');
    const sourcePort = await cluster.proxy(a, proxyId, await cluster.startEcho());
    const sent = randomBytes(2 * 1024 * 1024);
    await echoedThrough(sourcePort, sent);
    const { opened, closed } = await cluster.sessionOf(a, proxyId);
    expect(opened[0]?.data).toMatchObject({ node: a.nodeId });
    expect(closed[0]?.data).toMatchObject({ bytesToTarget: sent.length, bytesFromTarget: sent.length });
  }, 120_000);
});
