// Grants given or revoked while a tenant-admin's dashboard is connected take effect at once:
// it is given the state of a tenant it may now see and hears its changes; after a revoke it
// is told to drop that tenant and hears nothing more of it. Real clients on a real port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../api/dashboard.js';
import { isChange } from './dashboard-client.js';
import type { DashboardClient } from './dashboard-client.js';
import { startDashboardHub } from './dashboard-hub.js';
import type { DashboardHub } from './dashboard-hub.js';

const models = ['tenants', 'devices'];

interface Payload {
  readonly id?: string;
  readonly mac?: string;
  readonly tenant?: string;
}

describe('dashboard grants while connected', () => {
  let t: DashboardHub;
  let admin: string;
  let tenantA: string;

  beforeAll(async () => {
    t = await startDashboardHub();
    admin = await t.adminToken();
    await t.createTenant(admin, 'tenant-a');
    await t.createTenant(admin, 'tenant-b');
    await t.devices.add({ mac: '00:00:00:00:0a:01', tenant: 'tenant-a' });
    await t.devices.add({ mac: '00:00:00:00:0b:01', tenant: 'tenant-b' });
    tenantA = await t.tenantToken('tenant-a', 'tenant-a-password');
  });
  afterAll(async () => {
    await t.close();
  });

  const grant = async (method: 'PUT' | 'DELETE'): Promise<void> => {
    const response = await t.call({ method, url: '/api/v1/tenants/tenant-a/grants/tenant-b', token: admin });
    expect(response.statusCode, response.body).toBe(200);
  };

  const snapshotOf = (client: DashboardClient, model: string, from: number): Promise<SnapshotMessage> =>
    client
      .waitFor(`a ${model} snapshot`, (r) => r.event === 'snapshot' && r.message.model === model, from)
      .then((r) => (r.event === 'snapshot' ? r.message : expect.fail('not a snapshot')));

  const payloadsFrom = (client: DashboardClient, from: number): Payload[] =>
    client.received.slice(from).flatMap((r) => (isChange(r) ? [r.message.payload as Payload] : []));

  it('starts sending a tenant granted later, with its state, and stops at the revoke', async () => {
    const a = await t.dashboard(tenantA);
    expect(await a.subscribe({ models })).toMatchObject({ ok: true, tenants: ['tenant-a'] });
    expect(a.snapshots().map((s) => s.items.length)).toEqual([1, 1]);

    const beforeGrant = a.received.length;
    await grant('PUT');
    const granted = await t.settled();
    const devices = await snapshotOf(a, 'devices', beforeGrant);
    expect(devices).toEqual({ model: 'devices', position: granted, tenants: ['tenant-b'], items: [expect.objectContaining({ mac: '00:00:00:00:0B:01' })], part: 0, last: true });
    expect(await snapshotOf(a, 'tenants', beforeGrant)).toMatchObject({ tenants: ['tenant-b'], items: [{ id: 'tenant-b' }] });
    expect(payloadsFrom(a, beforeGrant)).toEqual([
      expect.objectContaining({ id: 'tenant-a', grants: ['tenant-b'] }),
      expect.objectContaining({ id: 'tenant-b' }),
    ]);

    const inB = await t.reconnect('00:00:00:00:0b:01');
    expect(await a.reach(inB)).toMatchObject({ event: 'device.changed', message: { payload: { mac: '00:00:00:00:0B:01', tenant: 'tenant-b' } } });

    const beforeRevoke = a.received.length;
    await grant('DELETE');
    const revoked = await t.settled();
    expect(await snapshotOf(a, 'devices', beforeRevoke)).toEqual({ model: 'devices', position: revoked, tenants: ['tenant-b'], items: [], part: 0, last: true });
    expect(await snapshotOf(a, 'tenants', beforeRevoke)).toMatchObject({ tenants: ['tenant-b'], items: [] });

    // Changes arrive in position order: hearing of A's later device, it would have heard of B's.
    await t.reconnect('00:00:00:00:0b:01');
    const inA = await t.reconnect('00:00:00:00:0a:01');
    await a.reach(inA);
    const afterRevoke = payloadsFrom(a, beforeRevoke);
    expect(afterRevoke.every((payload) => payload.id === 'tenant-a' || payload.tenant === 'tenant-a')).toBe(true);
    expect(afterRevoke.at(-1)).toMatchObject({ mac: '00:00:00:00:0A:01' });
  });

  it('follows grants for a subscription to named tenants too, and refuses tenants out of reach', async () => {
    const a = await t.dashboard(tenantA);
    const refused = await a.subscribe({ models, tenants: ['tenant-b'] });
    expect(refused).toEqual({ ok: false, error: { code: 'not_found', message: 'tenant tenant-b not found', details: ['body.tenants.0'] } });

    await grant('PUT');
    expect(await a.subscribe({ models: ['devices'], tenants: ['tenant-b'] })).toMatchObject({ ok: true, tenants: ['tenant-b'] });
    const inA = await t.reconnect('00:00:00:00:0a:01');
    const inB = await t.reconnect('00:00:00:00:0b:01');
    await a.reach(inB);
    expect(a.changes().map((c) => c.message.position)).not.toContain(inA);

    const beforeRevoke = a.received.length;
    await grant('DELETE');
    expect(await snapshotOf(a, 'devices', beforeRevoke)).toMatchObject({ tenants: ['tenant-b'], items: [] });
    // Nothing more is sent: a later subscribe is answered after anything sent before it.
    await t.reconnect('00:00:00:00:0b:01');
    await t.settled();
    const probe = await a.subscribe({ models: ['widgets'] });
    expect(probe).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(a.received.slice(beforeRevoke).filter(isChange)).toEqual([]);
    expect(a.received.slice(beforeRevoke).filter((r) => r.event === 'snapshot')).toHaveLength(1);
  });
});
