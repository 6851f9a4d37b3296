// Acceptance: two hub processes on one store (cluster-store.ts). Hub B is killed with SIGKILL: within two
// lease periods hub A records the end of B's link as hub-lost, and B's agent, given both hubs,
// reconnects to A and is online again.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterStore } from './cluster-store.js';
import type { ClusterNode } from './cluster-store.js';
import { assertBuilt, eventually, freePort, login, ready, runCli, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const cluster = new ClusterStore('node-loss');
const adminPassword = cluster.adminPassword('node-loss-admin-password');
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const leaseMs = 2000;
const tenant = cluster.name('acme');
const mac = cluster.mac('00:11:22:33:44:f1');
const canonical = mac.replaceAll(':', '').toLowerCase();

const running = (p: TetherProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

/** The events of a stream, read from the shared store as any process may. */
async function eventsOf(stream: string): Promise<{ type: string; data: Record<string, unknown>; at: string }[]> {
  return (await cluster.eventsOf(stream)).map((event) => ({ type: event.type, data: event.data, at: event.metadata.at }));
}

describe('a hub node killed', () => {
  const { dataDir } = cluster;
  let a: ClusterNode;
  let b: ClusterNode;
  let device: TetherProcess | undefined;
  let token: string;

  const api = (hub: TetherProcess, method: string, path: string, body?: object): Promise<Response> =>
    fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    assertBuilt();
    const hub = async (nodeId: string, linkPorts: string): Promise<ClusterNode> =>
      cluster.serve({ port: await freePort(), nodeId, env, args: ['--lease-ms', String(leaseMs), '--link-ports', linkPorts] });
    a = await hub('node-a', '45300-45309');
    await ready(a);
    b = await hub('node-b', '45310-45319');
    await ready(b);
    token = await login(a, { password: adminPassword });
  });
  afterAll(async () => {
    for (const p of [device, a, b]) if (p !== undefined && running(p)) await terminate(p);
    await cluster.close();
  });

  it('has its link ended as hub-lost by the other node, and its agent back online through it', async () => {
    expect((await api(a, 'POST', '/tenants', { id: tenant, name: 'Acme', password: 'acme-password' })).status).toBe(201);
    const issued = await api(a, 'POST', `/tenants/${tenant}/provisioning-codes`, {});
    const { code } = (await issued.json()) as { code: string };
    const stateFile = join(dataDir, 'agent-state.json');
    // B first: the agent tries its hubs in turn.
    const agent = runCli(['agent', '--mac', mac, '--hub', b.baseUrl, '--hub', a.baseUrl, '--code', code, '--state', stateFile]);
    device = agent;
    const onNode = async (nodeId: string): Promise<true | undefined> => {
      const shown = await api(a, 'GET', `/devices/${canonical}`);
      const view = (await shown.json()) as { online?: boolean; tenant?: string };
      const last = (await eventsOf(`device-${canonical}`)).filter((event) => event.type === 'DeviceConnected').at(-1);
      return view.online === true && view.tenant === tenant && last?.data.nodeId === nodeId ? true : undefined;
    };
    await eventually('the device online through B', 15_000, () => onNode(b.nodeId)).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${agent.stdout()}${agent.stderr()}`, { cause: error });
    });
    const opened = await api(b, 'POST', `/devicelink/${canonical}`, { protocol: 'tcp', devicePort: 22 });
    expect(opened.status).toBe(201);
    const tunnelId = ((await opened.json()) as { token: string }).token.split('.')[0];

    b.child.kill('SIGKILL');
    await b.exited;

    const session = await eventually('the link ended as hub-lost', 4 * leaseMs + 10_000, async () => {
      const view = (await (await api(a, 'GET', `/sessions/${tunnelId}`)).json()) as { state: string; terminationCause?: string; endTime?: string };
      return view.state === 'closed' ? view : undefined;
    });
    expect(session.terminationCause).toBe('hub-lost');
    // Within two lease periods of B's last renewal, which came before the kill.
    const lease = await eventsOf(`node-${b.nodeId}`);
    const lastRenewal = lease.filter((event) => event.type === 'NodeLeaseRenewed').at(-1);
    expect(lease.at(-1)).toMatchObject({ type: 'NodeLost', data: { by: a.nodeId } });
    expect(new Date(session.endTime ?? '').getTime() - new Date(lastRenewal?.at ?? '').getTime()).toBeLessThanOrEqual(2 * leaseMs);

    await eventually('the device online again through A', 20_000, () => onNode(a.nodeId)).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${agent.stdout()}${agent.stderr()}\n${a.stderr()}`, { cause: error });
    });
  });
});
