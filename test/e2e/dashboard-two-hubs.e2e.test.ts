// Two `tether serve` processes on one data directory, as behind one load balancer: a
// dashboard on hub B receives, with their global positions, the changes made through hub A;
// tenant isolation holds there too; and a client that saw changes on A resumes on B.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../api/dashboard-client.js';
import type { ChangeReceived } from '../api/dashboard-client.js';
import { assertBuilt, freePort, login, ready, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'two-hubs-dashboard-admin-password';
const models = ['tenants'];

describe('dashboards on two hubs sharing one store', () => {
  let dataDir: string;
  let a: TetherProcess;
  let b: TetherProcess;
  let admin: string;
  const clients: DashboardClient[] = [];

  beforeAll(async () => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'tether-dashboard-two-hubs-'));
    const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '' };
    a = serve({ dataDir, port: await freePort(), env });
    await ready(a);
    b = serve({ dataDir, port: await freePort(), env });
    await ready(b);
    admin = await login(a, { password: adminPassword });
    for (const id of ['acme', 'globex']) await call(a, 'POST', '/tenants', { id, name: id, password: `${id}-password` }, 201);
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    for (const hub of [a, b]) if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(hub: TetherProcess, method: string, path: string, body: object | undefined, status = 200): Promise<void> {
    const response = await fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, await response.text()).toBe(status);
  }

  const changePassword = (hub: TetherProcess, tenant: string): Promise<void> =>
    call(hub, 'PUT', `/tenants/${tenant}/password`, { password: `${tenant}-password` });

  async function dashboard(hub: TetherProcess, token: string): Promise<DashboardClient> {
    const client = await DashboardClient.connect(`${hub.baseUrl}/dashboard`, token);
    clients.push(client);
    return client;
  }

  /** Positions of the tenant's events in the shared store, read from the file itself. */
  function positionsOf(tenant: string): number[] {
    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    try {
      return db.prepare<[string], number>('SELECT position FROM events WHERE stream = ? ORDER BY position').pluck().all(`tenant-${tenant}`);
    } finally {
      db.close();
    }
  }

  const idsAndPositions = (changes: readonly ChangeReceived[]): { id: unknown; position: number }[] =>
    changes.map((change) => ({ id: (change.message.payload as { id: string }).id, position: change.message.position }));

  it('pushes on B, with their positions, the changes made through A, each to whom may see it', async () => {
    // B must have caught up with what beforeAll made through A, or those changes arrive live too.
    await ready(b);
    const onB = await dashboard(b, admin);
    const acmeOnB = await dashboard(b, await login(a, { tenant: 'acme', password: 'acme-password' }));
    expect(await onB.subscribe({ models })).toMatchObject({ ok: true, resumed: false });
    expect(await acmeOnB.subscribe({ models })).toMatchObject({ ok: true, tenants: ['acme'] });

    await call(a, 'POST', '/tenants', { id: 'initech', name: 'Initech', password: 'initech-password' }, 201);
    await changePassword(a, 'globex');
    await changePassword(a, 'acme');
    const [initech] = positionsOf('initech');
    const globex = positionsOf('globex').at(-1);
    const acme = positionsOf('acme').at(-1) ?? -1;

    await onB.reach(acme, 10_000);
    await acmeOnB.reach(acme, 10_000);
    expect(idsAndPositions(onB.changes())).toEqual([
      { id: 'initech', position: initech },
      { id: 'globex', position: globex },
      { id: 'acme', position: acme },
    ]);
    expect(idsAndPositions(acmeOnB.changes())).toEqual([{ id: 'acme', position: acme }]);
  });

  it('resumes on B a client that last saw a position on A: exactly the changes it missed, then live ones', async () => {
    const token = await login(b, { tenant: 'acme', password: 'acme-password' });
    const reference = await dashboard(a, token);
    await reference.subscribe({ models });
    const leaving = await dashboard(a, token);
    const first = await leaving.subscribe({ models });
    const last = first.ok ? first.position : -1;
    leaving.close();

    await changePassword(a, 'acme');
    await changePassword(b, 'globex');
    await changePassword(a, 'acme');
    const missedUpTo = positionsOf('acme').at(-1) ?? -1;
    await reference.reach(missedUpTo, 10_000);
    const back = await dashboard(b, token);
    const ack = await back.subscribe({ models, after: last });
    expect(ack).toMatchObject({ ok: true, resumed: true });
    await back.reach(missedUpTo, 10_000);
    await changePassword(a, 'acme');
    const live = positionsOf('acme').at(-1) ?? -1;
    await back.reach(live, 10_000);
    await reference.reach(live, 10_000);

    const sinceLast = reference.changes().filter((change) => change.message.position > last);
    expect(idsAndPositions(sinceLast).map((change) => change.id)).toEqual(['acme', 'acme', 'acme']);
    expect(back.changes()).toEqual(sinceLast);
  });

  it('shuts both down cleanly with dashboards connected', async () => {
    expect(await Promise.all([terminate(a), terminate(b)])).toEqual([0, 0]);
  });
});
