// Acceptance (issue 15, relays): two hub nodes on one store and one `tether relay` given both
// `--hub` URLs. The relay keeps a control channel to each node, so a link for a device held by
// either node goes through it. Hub A killed with -9: A's link on the relay ends (relay-lost),
// B's link goes on carrying bytes, and B still places links on the relay (whose status now
// reaches B alone).
import { connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterStore } from './cluster-store.js';
import { deviceEchoServer, refused } from './link-traffic.js';
import type { ClusterNode } from './cluster-store.js';
import { assertBuilt, eventually, freePort, login, ready, runCli, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const joinSecret = 'relay-nodes-join-secret';
const leaseMs = 2000;
const running = (p: TetherProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

interface Opened {
  readonly port: number;
  readonly token: string;
  readonly host: string;
  readonly relay: string;
}

const tunnelIdOf = (token: string): string => token.slice(0, token.indexOf('.'));

/** Writes `text` on `socket` and resolves with what the echoing device sent back. */
function echoOf(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer): void => {
      received += chunk.toString();
      if (received.length < text.length) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(received);
    };
    const onClose = (): void => reject(new Error(`the link closed before echoing ${text}`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(text);
  });
}

async function linkSocket(opened: Opened): Promise<Socket> {
  const socket = connect({ host: opened.host, port: opened.port });
  socket.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

describe('a relay given every node of a cluster', () => {
  const cluster = new ClusterStore('relay-nodes');
  const adminPassword = cluster.adminPassword('relay-nodes-admin-password');
  const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
  const tenant = cluster.name('acme');
  const relayName = cluster.name('relay-x');
  const macs = { a: cluster.mac('00:11:22:33:66:A1'), b: cluster.mac('00:11:22:33:66:B1') };
  const processes: TetherProcess[] = [];
  const sockets: Socket[] = [];
  let a: ClusterNode;
  let b: ClusterNode;
  let relay: TetherProcess;
  let admin: string;
  let echo: Server;

  const api = (hub: TetherProcess, method: string, path: string, body?: object): Promise<Response> =>
    fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  const openLink = async (hub: TetherProcess, mac: string): Promise<{ status: number; body: Opened }> => {
    const response = await api(hub, 'POST', `/devicelink/${mac}`, { protocol: 'tcp', devicePort: (echo.address() as AddressInfo).port });
    return { status: response.status, body: (await response.json()) as Opened };
  };

  const connectedTo = (hub: TetherProcess): Promise<true> =>
    eventually(`the relay connected to ${hub.baseUrl}`, 15_000, async () => {
      const view = (await (await api(hub, 'GET', `/relays/${relayName}`)).json()) as { connected?: boolean; isReporting?: boolean };
      return view.connected === true && view.isReporting === true ? true : undefined;
    });

  beforeAll(async () => {
    assertBuilt();
    echo = await deviceEchoServer();
    const hub = async (nodeId: string): Promise<ClusterNode> => {
      const args = ['--lease-ms', String(leaseMs), '--no-local-relay', '--relay-join-secret', joinSecret, '--relay-heartbeat-timeout', '3000'];
      const started = cluster.serve({ port: await freePort(), nodeId, env, args });
      processes.push(started);
      await ready(started);
      return started;
    };
    a = await hub('node-a');
    b = await hub('node-b');
    admin = await login(a, { password: adminPassword });
    expect((await api(a, 'POST', '/tenants', { id: tenant, name: 'Acme', password: 'acme-tenant-password' })).status).toBe(201);
    for (const [node, mac] of [[a, macs.a], [b, macs.b]] as const) {
      const agent = runCli(['agent', '--hub', node.baseUrl, '--mac', mac, '--state', join(cluster.dataDir, `agent-${mac.replaceAll(':', '')}.json`)]);
      processes.push(agent);
      await eventually(`device ${mac} online`, 20_000, async () => (((await (await api(a, 'GET', `/devices/${mac}`)).json()) as { online?: boolean }).online === true ? true : undefined));
      const assigned = await api(a, 'POST', `/devices/${mac}/assign`, { tenant });
      expect(assigned.status, await assigned.text()).toBe(200);
      await eventually(`device ${mac} has its password`, 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
    }
    relay = runCli([
      'relay', '--hub', a.baseUrl, '--hub', b.baseUrl, '--name', relayName, '--host', '127.0.0.1', '--port', '0', '--link-ports', '47600-47699',
      '--max-sessions', '4', '--token-file', join(cluster.dataDir, 'relay.token'), '--join-secret', joinSecret, '--status-interval', '500', '--log-level', 'warn',
    ]);
    processes.push(relay);
    await Promise.all([connectedTo(a), connectedTo(b)]).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${relay.stdout()}${relay.stderr()}`, { cause: error });
    });
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    echo.close();
    for (const p of processes.reverse()) if (running(p)) await terminate(p);
    await cluster.close();
  });

  it("carries each node's links, and B's go on when A is killed", async () => {
    // Each node places the links of the devices it holds on the relay, through its own channel.
    const onA = await openLink(a, macs.a);
    const onB = await openLink(b, macs.b);
    expect([onA.status, onB.status], JSON.stringify([onA.body, onB.body])).toEqual([201, 201]);
    expect([onA.body.relay, onB.body.relay]).toEqual([relayName, relayName]);
    const [socketA, socketB] = await Promise.all([linkSocket(onA.body), linkSocket(onB.body)]);
    sockets.push(socketA, socketB);
    expect(await echoOf(socketA, 'through A')).toBe('through A');
    expect(await echoOf(socketB, 'through B')).toBe('through B');

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;

    // A's link ends on the relay (its port closes) as relay-lost, recorded by B from the relay's next status.
    await eventually("A's link port closed on the relay", 15_000, async () => ((await refused(onA.body.port)) ? true : undefined));
    const ended = await eventually("A's link recorded ended", 4 * leaseMs + 10_000, async () => {
      const view = (await (await api(b, 'GET', `/sessions/${tunnelIdOf(onA.body.token)}`)).json()) as { state: string; terminationCause?: string };
      return view.state === 'closed' ? view : undefined;
    });
    expect(ended.terminationCause).toBe('relay-lost');

    // B's link never noticed: the same connection carries bytes, and its session is open.
    expect(await echoOf(socketB, 'still through B')).toBe('still through B');
    const session = (await (await api(b, 'GET', `/sessions/${tunnelIdOf(onB.body.token)}`)).json()) as { state: string };
    expect(session.state).toBe('open');

    // The relay's status goes on, now to B (recorded there at least every half heartbeat timeout), and B places links on it.
    await eventually('a status recorded after A was killed', 10_000, async () => {
      const view = (await (await api(b, 'GET', `/relays/${relayName}`)).json()) as { isReporting?: boolean; lastConnectionTime?: string };
      return view.isReporting === true && Date.parse(view.lastConnectionTime ?? '') > killedAt ? true : undefined;
    });
    const next = await openLink(b, macs.b);
    expect(next, JSON.stringify(next.body)).toMatchObject({ status: 201, body: { relay: relayName } });
    const socketNext = await linkSocket(next.body);
    sockets.push(socketNext);
    expect(await echoOf(socketNext, 'new through B')).toBe('new through B');
    expect(running(relay)).toBe(true);
  });
});
