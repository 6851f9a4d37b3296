// Tenant isolation on /dashboard, with real socket.io clients over real sockets: two tenants,
// three clients (admin, tenant-admin of A, tenant-admin of B). Every message each client
// receives is checked; and each receives exactly the changes it may see, in order, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeAck } from '../../api/dashboard.js';
import type { PublishedChange } from '../../projections/projection.js';
import type { DashboardClient, Received } from './dashboard-client.js';
import { startDashboardHub } from './dashboard-hub.js';
import type { DashboardHub } from './dashboard-hub.js';

interface Concerned {
  readonly id?: string;
  readonly tenant?: string | null;
  readonly removed?: boolean;
}

/** The tenant a tenant view, a device view or a removal marker belongs to. */
const tenantOf = (item: unknown): string | null | undefined => {
  const concerned = item as Concerned;
  return concerned.id ?? concerned.tenant;
};

/** Every tenant named by anything the client received. */
function tenantsSeen(client: DashboardClient): Set<string | null | undefined> {
  return new Set(
    client.received.flatMap((received: Received) =>
      received.event === 'snapshot' ? received.message.items.map(tenantOf) : [tenantOf(received.message.payload)],
    ),
  );
}

const asReceived = (changes: readonly PublishedChange[]): { event: string; message: { position: number; payload: unknown } }[] =>
  changes.map(({ name, position, payload }) => ({ event: name, message: { position, payload } }));

describe('dashboard tenant isolation', () => {
  let t: DashboardHub;

  beforeAll(async () => {
    t = await startDashboardHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('never sends a change of one tenant to a client that may not see it, and sends each the ones it may', async () => {
    const adminToken = await t.adminToken();
    await t.createTenant(adminToken, 'tenant-a');
    await t.createTenant(adminToken, 'tenant-b');
    await t.devices.add({ mac: '00:00:00:00:0a:01', tenant: 'tenant-a' });
    await t.devices.add({ mac: '00:00:00:00:0a:02', tenant: 'tenant-a', online: false });
    await t.devices.add({ mac: '00:00:00:00:0b:01', tenant: 'tenant-b' });
    await t.devices.add({ mac: '00:00:00:00:0b:02', tenant: 'tenant-b' });
    await t.devices.add({ mac: '00:00:00:00:00:ff' });

    const admin = await t.dashboard(adminToken);
    const a = await t.dashboard(await t.tenantToken('tenant-a', 'tenant-a-password'));
    const b = await t.dashboard(await t.tenantToken('tenant-b', 'tenant-b-password'));
    const models = ['tenants', 'devices'];
    const [adminAck, aAck, bAck] = await Promise.all([admin, a, b].map((client) => client.subscribe({ models })));
    const start = await t.settled();
    expect(adminAck).toEqual({ ok: true, position: start, resumed: false, tenants: null });
    expect(aAck).toEqual({ ok: true, position: start, resumed: false, tenants: ['tenant-a'] });
    expect(bAck).toEqual({ ok: true, position: start, resumed: false, tenants: ['tenant-b'] });

    const macsIn = (client: DashboardClient): string[] =>
      client.snapshots().flatMap((s) => (s.model === 'devices' ? s.items.map((item) => (item as { mac: string }).mac) : []));
    expect(macsIn(admin)).toEqual(['00:00:00:00:00:FF', '00:00:00:00:0A:01', '00:00:00:00:0A:02', '00:00:00:00:0B:01', '00:00:00:00:0B:02']);
    expect(macsIn(a)).toEqual(['00:00:00:00:0A:01', '00:00:00:00:0A:02']);
    expect(macsIn(b)).toEqual(['00:00:00:00:0B:01', '00:00:00:00:0B:02']);

    // Changes in both tenants, a device moving from A to B, one leaving B for no tenant,
    // one unassigned device assigned to A, and a tenant's own change.
    await t.devices.disconnect('00:00:00:00:0a:01');
    await t.reconnect('00:00:00:00:0b:01');
    await t.devices.connect('00:00:00:00:0a:01', true);
    await t.devices.assign('00:00:00:00:0a:01', 'tenant-b');
    await t.devices.execute('00:00:00:00:0b:02', { type: 'UnassignDevice' });
    await t.devices.assign('00:00:00:00:00:ff', 'tenant-a');
    // Not its password: that would void tenant-a's token and drop its dashboard (token-revocation.int.test.ts).
    const deployment = await t.call({ method: 'PUT', url: '/api/v1/tenants/tenant-a/password-deployment', token: adminToken, payload: { enabled: false } });
    expect(deployment.statusCode).toBe(200);
    await t.reconnect('00:00:00:00:0b:01');
    await t.reconnect('00:00:00:00:00:ff');
    const end = await t.settled();

    // A subscribe is answered after every message sent before it: once answered, nothing
    // sent earlier is still on its way. Resuming after `end` replays nothing.
    const resumed = await Promise.all([admin, a, b].map((client) => client.subscribe({ models, after: end })));
    resumed.forEach((ack: SubscribeAck) => expect(ack).toMatchObject({ ok: true, resumed: true, position: end }));

    expect([...tenantsSeen(a)]).toEqual(['tenant-a']);
    expect([...tenantsSeen(b)]).toEqual(['tenant-b']);
    expect(tenantsSeen(admin)).toEqual(new Set(['tenant-a', 'tenant-b', null]));

    const after = t.published.filter((change) => change.position > start);
    const concerning = (tenant: string): PublishedChange[] => after.filter((change) => change.tenants[0] === tenant);
    expect(admin.changes()).toEqual(asReceived(after));
    expect(a.changes()).toEqual(asReceived(concerning('tenant-a')));
    expect(b.changes()).toEqual(asReceived(concerning('tenant-b')));

    // The device that moved from A to B: A heard it leave, B heard it arrive.
    expect(a.changes().map((c) => c.message.payload)).toContainEqual({ mac: '00:00:00:00:0A:01', tenant: 'tenant-a', removed: true });
    expect(b.changes().map((c) => c.message.payload)).toContainEqual(expect.objectContaining({ mac: '00:00:00:00:0A:01', tenant: 'tenant-b', state: 'online' }));
    expect(b.changes().map((c) => c.message.payload)).toContainEqual({ mac: '00:00:00:00:0B:02', tenant: 'tenant-b', removed: true });
    expect(a.changes().map((c) => c.message.payload)).toContainEqual(expect.objectContaining({ mac: '00:00:00:00:00:FF', tenant: 'tenant-a' }));
    const positions = admin.changes().map((c) => c.message.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });
});
