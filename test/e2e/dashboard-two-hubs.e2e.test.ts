// Two `tether serve` processes on one store (cluster-store.ts), as behind one load balancer: a
// dashboard on hub B receives, with their global positions, the changes made through hub A;
// tenant isolation holds there too; and a client that saw changes on A resumes on B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../api/dashboard-client.js';
import type { ChangeReceived } from '../api/dashboard-client.js';
import { ClusterStore } from './cluster-store.js';
import type { ClusterNode } from './cluster-store.js';
import { assertBuilt, freePort, login, ready, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const cluster = new ClusterStore('dashboard-two-hubs');
const adminPassword = cluster.adminPassword('two-hubs-dashboard-admin-password');
const models = ['tenants'];
const acmeId = cluster.name('acme');
const globexId = cluster.name('globex');
const initechId = cluster.name('initech');

describe('dashboards on two hubs sharing one store', () => {
  let a: ClusterNode;
  let b: ClusterNode;
  let admin: string;
  const clients: DashboardClient[] = [];

  beforeAll(async () => {
    assertBuilt();
    const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '' };
    a = cluster.serve({ port: await freePort(), env });
    await ready(a);
    b = cluster.serve({ port: await freePort(), env });
    await ready(b);
    admin = await login(a, { password: adminPassword });
    for (const id of [acmeId, globexId]) await call(a, 'POST', '/tenants', { id, name: id, password: `${id}-password` }, 201);
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    for (const hub of [a, b]) if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
    await cluster.close();
  });

  async function call(hub: TetherProcess, method: string, path: string, body: object | undefined, status = 200): Promise<void> {
    const response = await fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, await response.text()).toBe(status);
  }

  // A tenant change that voids no token (a password change would drop the tenant's dashboards).
  const deploying = new Map<string, boolean>();
  const changeTenant = (hub: TetherProcess, tenant: string): Promise<void> => {
    const enabled = !(deploying.get(tenant) ?? true);
    deploying.set(tenant, enabled);
    return call(hub, 'PUT', `/tenants/${tenant}/password-deployment`, { enabled });
  };

  async function dashboard(hub: TetherProcess, token: string): Promise<DashboardClient> {
    const client = await DashboardClient.connect(`${hub.baseUrl}/dashboard`, token);
    clients.push(client);
    return client;
  }

  /** Positions of the tenant's events in the shared store, read from the store itself. */
  async function positionsOf(tenant: string): Promise<number[]> {
    return (await cluster.eventsOf(`tenant-${tenant}`)).map((event) => event.position);
  }

  const idsAndPositions = (changes: readonly ChangeReceived[]): { id: unknown; position: number }[] =>
    changes.map((change) => ({ id: (change.message.payload as { id: string }).id, position: change.message.position }));

  it('pushes on B, with their positions, the changes made through A, each to whom may see it', async () => {
    // B must have caught up with what beforeAll made through A, or those changes arrive live too.
    await ready(b);
    const onB = await dashboard(b, admin);
    const acmeOnB = await dashboard(b, await login(a, { tenant: acmeId, password: 'acme-password' }));
    expect(await onB.subscribe({ models })).toMatchObject({ ok: true, resumed: false });
    expect(await acmeOnB.subscribe({ models })).toMatchObject({ ok: true, tenants: [acmeId] });

    await call(a, 'POST', '/tenants', { id: initechId, name: 'Initech', password: 'initech-password' }, 201);
    await changeTenant(a, globexId);
    await changeTenant(a, acmeId);
    const [initech] = await positionsOf(initechId);
    const globex = (await positionsOf(globexId)).at(-1);
    const acme = (await positionsOf(acmeId)).at(-1) ?? -1;

    await onB.reach(acme, 10_000);
    await acmeOnB.reach(acme, 10_000);
    expect(idsAndPositions(onB.changes())).toEqual([
      { id: initechId, position: initech },
      { id: globexId, position: globex },
      { id: acmeId, position: acme },
    ]);
    expect(idsAndPositions(acmeOnB.changes())).toEqual([{ id: acmeId, position: acme }]);
  });

  it('resumes on B a client that last saw a position on A: exactly the changes it missed, then live ones', async () => {
    const token = await login(b, { tenant: acmeId, password: 'acme-password' });
    const reference = await dashboard(a, token);
    await reference.subscribe({ models });
    const leaving = await dashboard(a, token);
    const first = await leaving.subscribe({ models });
    const last = first.ok ? first.position : -1;
    leaving.close();

    await changeTenant(a, acmeId);
    await changeTenant(b, globexId);
    await changeTenant(a, acmeId);
    const missedUpTo = (await positionsOf(acmeId)).at(-1) ?? -1;
    await reference.reach(missedUpTo, 10_000);
    const back = await dashboard(b, token);
    const ack = await back.subscribe({ models, after: last });
    expect(ack).toMatchObject({ ok: true, resumed: true });
    await back.reach(missedUpTo, 10_000);
    await changeTenant(a, acmeId);
    const live = (await positionsOf(acmeId)).at(-1) ?? -1;
    await back.reach(live, 10_000);
    await reference.reach(live, 10_000);

    const sinceLast = reference.changes().filter((change) => change.message.position > last);
    expect(idsAndPositions(sinceLast).map((change) => change.id)).toEqual([acmeId, acmeId, acmeId]);
    expect(back.changes()).toEqual(sinceLast);
  });

  it('shuts both down cleanly with dashboards connected', async () => {
    expect(await Promise.all([terminate(a), terminate(b)])).toEqual([0, 0]);
  });
});
