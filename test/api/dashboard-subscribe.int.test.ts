// The /dashboard subscribe protocol with real socket.io clients: the snapshot and the ack,
// invalid requests, resuming from a position the node no longer keeps or never reached, a
// resume after the hub restarted, and clients that have not subscribed yet.
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import { DashboardClient } from './dashboard-client.js';
import { startDashboardHub } from './dashboard-hub.js';
import type { DashboardHub } from './dashboard-hub.js';
import { adminPassword, positionStride, tokenSecret } from './hub-harness.js';
import { parseMac } from '../../domain/device/mac.js';
import { keptPosition } from '../../domain/ports/event-store.js';

const models = ['tenants', 'devices'];

describe('dashboard subscribe', () => {
  let t: DashboardHub;
  let admin: string;

  beforeAll(async () => {
    t = await startDashboardHub({ resumableChanges: 8 });
    admin = await t.adminToken();
    await t.createTenant(admin, 'tenant-a');
    await t.createTenant(admin, 'tenant-b');
    for (let i = 0; i < 520; i++) {
      const mac = `00:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
      await t.devices.add({ mac, ...(i < 510 ? { tenant: i % 2 === 0 ? 'tenant-a' : 'tenant-b' } : {}) });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends the state of the models asked for in parts, at the position it reports, then changes after it', async () => {
    const client = await t.dashboard(admin);
    const ack = await client.subscribe({ models });
    const position = await t.settled();
    expect(ack).toEqual({ ok: true, position, resumed: false, tenants: null });
    const snapshots = client.snapshots();
    expect(snapshots.map(({ model, part, last, items, tenants }) => ({ model, part, last, count: items.length, tenants }))).toEqual([
      { model: 'tenants', part: 0, last: true, count: 2, tenants: null },
      { model: 'devices', part: 0, last: false, count: 500, tenants: null },
      { model: 'devices', part: 1, last: true, count: 20, tenants: null },
    ]);
    expect(snapshots.every((s) => s.position === position)).toBe(true);
    const macs = snapshots.filter((s) => s.model === 'devices').flatMap((s) => s.items.map((item) => (item as { mac: string }).mac));
    expect(new Set(macs).size).toBe(520);
    expect(client.changes()).toEqual([]);

    const next = await t.reconnect('00:00:00:00:00:00');
    expect(await client.reach(next)).toMatchObject({ event: 'device.changed', message: { position: next, payload: { mac: '00:00:00:00:00:00' } } });
  });

  it("gives a tenant-admin only its tenants' state, and only the models it asked for", async () => {
    const client = await t.dashboard(await t.tenantToken('tenant-b', 'tenant-b-password'));
    expect(await client.subscribe({ models: ['devices'] })).toMatchObject({ ok: true, tenants: ['tenant-b'] });
    const items = client.snapshots().flatMap((s) => s.items) as { tenant: string }[];
    expect(client.snapshots().map((s) => s.model)).toEqual(['devices']);
    expect(items).toHaveLength(255);
    expect(items.every((item) => item.tenant === 'tenant-b')).toBe(true);
  });

  it('answers an invalid subscribe with validation_failed and sends nothing', async () => {
    const client = await t.dashboard(admin);
    for (const request of [{}, { models: [] }, { models: ['widgets'] }, { models, after: 1.5 }, { models, after: -2 }, { models, tenants: [] }, 'devices']) {
      expect(await client.subscribe(request)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(await client.subscribe({ models: 'devices' })).toMatchObject({ ok: false, error: { details: ['body.models'] } });
    await t.reconnect('00:00:00:00:00:00');
    await t.settled();
    expect(await client.subscribe({})).toMatchObject({ ok: false });
    expect(client.received).toEqual([]);
  });

  it('sends a snapshot instead, and says so, when the node no longer keeps the changes after `after`', async () => {
    const client = await t.dashboard(admin);
    const ack = await client.subscribe({ models: ['tenants'], after: 3 });
    expect(ack).toEqual({ ok: true, position: await t.settled(), resumed: false, tenants: null });
    expect(client.snapshots()).toMatchObject([{ model: 'tenants', tenants: null, part: 0, last: true }]);
  });

  it('sends a snapshot for a position this store never reached', async () => {
    const client = await t.dashboard(admin);
    const ack = await client.subscribe({ models: ['tenants'], after: (await t.head()) + 1000 });
    expect(ack).toMatchObject({ ok: true, resumed: false });
    expect(client.snapshots()).toHaveLength(1);
  });

  it('sends nothing to a client before it subscribes, so a resume it asks for never repeats a change', async () => {
    const client = await t.dashboard(await t.tenantToken('tenant-a', 'tenant-a-password'));
    const before = await t.reconnect('00:00:00:00:00:00');
    await t.settled();
    const ack = await client.subscribe({ models: ['devices'] });
    expect(ack).toMatchObject({ ok: true, resumed: false });
    expect(client.changes()).toEqual([]);
    const inB = await t.reconnect('00:00:00:00:00:01');
    const inA = await t.reconnect('00:00:00:00:00:00');
    await client.reach(inA);
    const positions = client.changes().map((r) => r.message.position);
    expect(positions).not.toContain(inB);
    expect(positions.every((position) => position > before)).toBe(true);
    expect(client.changes().every((r) => (r.message.payload as { tenant?: string }).tenant === 'tenant-a')).toBe(true);
  });
});

describe('dashboard resume after a restart', () => {
  it('replays the changes missed before the hub restarted, from the log in the read-model file', async () => {
    const first = await startDashboardHub();
    const admin = await first.adminToken();
    await first.createTenant(admin, 'tenant-a');
    await first.devices.add({ mac: '00:00:00:00:0a:01', tenant: 'tenant-a' });
    const token = await first.tenantToken('tenant-a', 'tenant-a-password');
    const client = await first.dashboard(token);
    const ack = await client.subscribe({ models });
    const last = ack.ok ? ack.position : -1;
    client.close();
    // Each new connection of a device online already ends the old one: two changes.
    const once = await first.reconnect('00:00:00:00:0a:01');
    const twice = await first.reconnect('00:00:00:00:0a:01');
    await first.settled();
    const expected = first.published.filter((change) => change.position > last);
    const stored = (await first.hub.store.readAll({ after: keptPosition(last) })).map((event) => event.position);
    expect(stored).toEqual([stored[0], once, stored[2], twice]);
    expect(expected.map((change) => change.position)).toEqual(stored);
    await first.hub.close();

    const second = await buildHub({ dataDir: first.dataDir, nodeId: 'test', tokenSecret, adminPassword, logLevel: 'silent', positionStride });
    try {
      await second.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(second.app.server.address() as AddressInfo).port}/dashboard`;
      const back = await DashboardClient.connect(url, token);
      const resumed = await back.subscribe({ models, after: last });
      // The restarted node recorded the end of the connection its previous run had left open.
      const head = await second.store.headPosition();
      // Not the head: the node's lease, taken as it listens, came after.
      const ended = (await second.store.readStream(`device-${parseMac('00:00:00:00:0a:01')}`)).at(-1);
      expect(ended?.type).toBe('DeviceDisconnected');
      expect(resumed).toEqual({ ok: true, resumed: true, position: head, tenants: ['tenant-a'] });
      expect(back.received).toEqual([
        ...expected.map(({ name, position, payload }) => ({ event: name, message: { position, payload } })),
        { event: 'device.changed', message: { position: ended?.position, payload: expect.objectContaining({ mac: '00:00:00:00:0A:01', state: 'offline' }) } },
      ]);
      back.close();
    } finally {
      await second.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
