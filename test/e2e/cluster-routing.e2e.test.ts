// Acceptance (issue 15, routing): three hub processes on one store (cluster-store.ts), a real agent on
// each. A tenant-admin asks hub A to open a link to the device hub C holds, carries 20 MB through
// it to an echo server beside the device and back, byte for byte, and closes it by a DELETE
// through hub B: the port on C stops accepting, and the session record has the exact totals, the
// tenant-admin as who opened and closed it, and cause deleted.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterStore } from './cluster-store.js';
import type { ClusterNode } from './cluster-store.js';
import { deviceEchoServer, readExactly, refused } from './link-traffic.js';
import { assertBuilt, eventually, freePort, login, ready, runCli, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const cluster = new ClusterStore('cluster-routing');
const adminPassword = cluster.adminPassword('cluster-routing-admin-password');
const tenantPassword = 'acme-tenant-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const tenant = cluster.name('acme');
const macs = [cluster.mac('00:11:22:33:55:A1'), cluster.mac('00:11:22:33:55:B1'), cluster.mac('00:11:22:33:55:C1')] as const;
const payloadBytes = 20 * 1024 * 1024;

interface Session {
  readonly state: 'open' | 'closed';
  readonly terminationCause?: string;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly requestedBy: { readonly id: string; readonly role: string };
}

describe('three hub nodes on one store', () => {
  const { dataDir } = cluster;
  const hubs: ClusterNode[] = [];
  const agents: TetherProcess[] = [];
  const deviceSockets: Socket[] = [];
  let echo: Server;
  let admin: string;

  const api = (hub: TetherProcess, token: string, method: string, path: string, body?: object): Promise<Response> =>
    fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    assertBuilt();
    const ranges = ['45400-45409', '45410-45419', '45420-45429'];
    for (const [index, linkPorts] of ranges.entries()) {
      const hub = cluster.serve({ port: await freePort(), nodeId: `node-${'abc'[index] ?? ''}`, env, args: ['--link-ports', linkPorts] });
      hubs.push(hub);
      await ready(hub);
    }
    admin = await login(hubs[0] as TetherProcess, { password: adminPassword });
    echo = await deviceEchoServer(deviceSockets);
  }, 90_000);

  afterAll(async () => {
    echo.close();
    for (const p of [...agents, ...hubs]) if (p.child.exitCode === null && p.child.signalCode === null) await terminate(p);
    await cluster.close();
  });

  it('carries a link asked of A to the device C holds, and closes it through B', async () => {
    const [a, b] = hubs as [ClusterNode, ClusterNode];
    expect((await api(a, admin, 'POST', '/tenants', { id: tenant, name: 'Acme', password: tenantPassword })).status).toBe(201);
    // One device on each node; every one assigned through A, which holds only the first.
    for (const [index, mac] of macs.entries()) {
      const hub = hubs[index] as TetherProcess;
      const agent = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--state', join(dataDir, `agent-${index}.json`)]);
      agents.push(agent);
      await eventually(`device ${mac} online`, 20_000, async () => ((await (await api(a, admin, 'GET', `/devices/${mac}`)).json()) as { online?: boolean }).online === true || undefined);
      const assigned = await api(a, admin, 'POST', `/devices/${mac}/assign`, { tenant });
      expect(assigned.status, await assigned.text()).toBe(200);
      await eventually(`device ${mac} has its password`, 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
    }
    const onC = macs[2];
    const canonicalC = onC.replaceAll(':', '').toLowerCase();
    const nodeC = hubs[2] as ClusterNode;
    expect((await cluster.eventsOf(`device-${canonicalC}`)).filter((event) => event.type === 'DeviceConnected').at(-1)?.data.nodeId).toBe(nodeC.nodeId);

    const tenantAdmin = await login(a, { tenant, password: tenantPassword });
    const devicePort = (echo.address() as AddressInfo).port;
    const opened = await api(a, tenantAdmin, 'POST', `/devicelink/${onC}`, { protocol: 'tcp', devicePort });
    expect(opened.status, await opened.clone().text()).toBe(201);
    const { port, token } = (await opened.json()) as { port: number; token: string };
    const tunnelId = token.slice(0, token.indexOf('.'));
    // The port is C's: the link lives where the device's connection is.
    expect(port).toBeGreaterThanOrEqual(45420);
    expect(port).toBeLessThanOrEqual(45429);

    const sent = randomBytes(payloadBytes);
    const client = connect({ port, host: '127.0.0.1' });
    const echoed = readExactly(client, payloadBytes);
    client.end(sent);
    expect((await echoed).equals(sent)).toBe(true);
    client.destroy();
    await eventually('the device-side socket closed', 15_000, async () => (deviceSockets.length === 1 && deviceSockets.every((socket) => socket.destroyed) ? true : undefined));
    const atDevice = deviceSockets[0] as Socket;
    expect([atDevice.bytesRead, atDevice.bytesWritten]).toEqual([payloadBytes, payloadBytes]);

    const deleted = await api(b, tenantAdmin, 'DELETE', `/devicelink/${token}`);
    expect(deleted.status, await deleted.clone().text()).toBe(204);
    expect(await refused(port)).toBe(true);

    const session = (await (await api(b, tenantAdmin, 'GET', `/sessions/${tunnelId}`)).json()) as Session;
    expect(session).toMatchObject({ state: 'closed', terminationCause: 'deleted', bytesToDevice: payloadBytes, bytesFromDevice: payloadBytes });
    expect(session.requestedBy.role).toBe('tenant-admin');
    const stream = await cluster.eventsOf(`tunnel-${tunnelId}`);
    const openedEvent = stream.find((event) => event.type === 'TunnelOpened');
    const closedEvents = stream.filter((event) => event.type === 'TunnelClosed');
    expect(openedEvent?.data).toMatchObject({ node: nodeC.nodeId, requestedBy: session.requestedBy });
    expect(openedEvent?.metadata.actor).toMatchObject(session.requestedBy);
    // Closed once, on C, by the tenant-admin who asked B.
    expect(closedEvents).toHaveLength(1);
    expect(closedEvents[0]?.data).toMatchObject({ cause: 'deleted', bytesToDevice: payloadBytes, bytesFromDevice: payloadBytes });
    expect(closedEvents[0]?.metadata).toMatchObject({ actor: session.requestedBy, ip: '127.0.0.1' });
  }, 120_000);
});
