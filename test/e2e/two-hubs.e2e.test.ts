// Acceptance: two hub processes on one store (cluster-store.ts). A tenant created through A is
// listed by B within 1 s. Started together on a fresh data directory, they also create the
// instance admin once.
import Database from 'better-sqlite3';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterStore } from './cluster-store.js';
import type { ClusterNode } from './cluster-store.js';
import { assertBuilt, eventually, freePort, login, ready, terminate } from './tether-process.js';

describe('two hubs on one store', () => {
  const cluster = new ClusterStore('two-hubs');
  const tenant = cluster.name('acme');
  let a: ClusterNode;
  let b: ClusterNode;
  let socket: Socket | undefined;

  beforeAll(async () => {
    assertBuilt();
    const env = { TETHER_ADMIN_PASSWORD: '', TETHER_TOKEN_SECRET: '' };
    // Started together, with no admin password given: they race to create the admin.
    [a, b] = [cluster.serve({ port: await freePort(), env }), cluster.serve({ port: await freePort(), env })];
    await Promise.all([ready(a), ready(b)]);
  });
  afterAll(async () => {
    socket?.close();
    for (const hub of [a, b]) if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
    await cluster.close();
  });

  // On EventStoreDB the store's admin may predate this run, and its password is given (cluster-store.ts).
  it.skipIf(cluster.onEventStore)('creates the instance admin once and prints its password once', async () => {
    const printed = await eventually('an admin password on stdout', 5000, async () => {
      const lines = [a, b].flatMap((hub) => hub.stdout().split('\n')).filter((line) => line.startsWith('admin password: '));
      return lines.length > 0 ? lines : undefined;
    });
    expect(printed).toHaveLength(1);
    const events = (await cluster.eventsOf('instance-admin')).map(({ type }) => ({ type }));
    expect(events).toEqual([{ type: 'AdminPasswordSet' }]);
  });

  it('lists on B, within 1 s, a tenant created through A', async () => {
    const printed = [a, b].map((hub) => /^admin password: (\S+)$/m.exec(hub.stdout())?.[1]).find((pw) => pw !== undefined);
    const password = printed ?? cluster.adminPassword('');
    // The token secret file is shared: a token from A is good on B.
    const token = await login(a, { password });

    const dashboard = connect(`${b.baseUrl}/dashboard`, { auth: { token }, transports: ['websocket'], reconnection: false });
    socket = dashboard;
    await new Promise<void>((resolve, reject) => {
      dashboard.once('connect', resolve);
      dashboard.once('connect_error', reject);
    });
    expect(await dashboard.timeout(5000).emitWithAck('subscribe', { models: ['tenants'] })).toMatchObject({ ok: true });
    const seenOnB = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`B did not publish tenant.changed for ${tenant} within 1 s`)), 1000);
      dashboard.on('tenant.changed', (message: { payload: { id: string } }) => {
        if (message.payload.id !== tenant) return;
        clearTimeout(timer);
        resolve(Date.now());
      });
    });

    const sentAt = Date.now();
    const created = await fetch(`${a.baseUrl}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: tenant, name: 'Acme', password: 'acme-password' }),
    });
    expect(created.status).toBe(201);
    expect((await seenOnB) - sentAt).toBeLessThan(1000);

    const listed = await fetch(`${b.baseUrl}/api/v1/tenants`, { headers: { authorization: `Bearer ${token}` } });
    expect(cluster.ofThisRun(((await listed.json()) as { items: { id: string }[] }).items.map((item) => item.id))).toEqual([tenant]);
    // And the tenant's own password works on B, which never saw the request.
    await login(b, { tenant, password: 'acme-password' });
  });

  it('keeps a read-model file per node', async () => {
    const db = new Database(cluster.readModelsOf(b), { readonly: true });
    expect(cluster.ofThisRun(db.prepare<[], string>('SELECT id FROM tenants').pluck().all())).toEqual([tenant]);
    db.close();
  });

  it('shuts both down cleanly on SIGTERM', async () => {
    socket?.close();
    expect(await Promise.all([terminate(a), terminate(b)])).toEqual([0, 0]);
  });
});
