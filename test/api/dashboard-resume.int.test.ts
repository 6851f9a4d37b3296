// Resuming on /dashboard with real socket.io clients: a client that reconnects with the last
// position it saw receives exactly the changes it missed, in order, without duplicates, then
// the live ones; also while changes keep being appended during the resume. A reference client
// that stayed connected says what "exactly" is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeReceived } from './dashboard-client.js';
import { startDashboardHub } from './dashboard-hub.js';
import type { DashboardHub } from './dashboard-hub.js';

const models = ['tenants', 'devices'];
const after = (changes: readonly ChangeReceived[], position: number): ChangeReceived[] =>
  changes.filter((change) => change.message.position > position);

describe('dashboard resume', () => {
  let t: DashboardHub;
  let tenantToken: string;

  beforeAll(async () => {
    t = await startDashboardHub();
    const admin = await t.adminToken();
    await t.createTenant(admin, 'tenant-a');
    await t.createTenant(admin, 'tenant-b');
    await t.devices.add({ mac: '00:00:00:00:0a:01', tenant: 'tenant-a' });
    await t.devices.add({ mac: '00:00:00:00:0a:02', tenant: 'tenant-a' });
    await t.devices.add({ mac: '00:00:00:00:0b:01', tenant: 'tenant-b' });
    tenantToken = await t.tenantToken('tenant-a', 'tenant-a-password');
  });
  afterAll(async () => {
    await t.close();
  });

  it('replays exactly the changes missed while disconnected, in order and once, then live ones', async () => {
    const reference = await t.dashboard(tenantToken);
    expect(await reference.subscribe({ models })).toMatchObject({ ok: true });
    const leaving = await t.dashboard(tenantToken);
    const first = await leaving.subscribe({ models });
    expect(first).toMatchObject({ ok: true, resumed: false });
    await t.reconnect('00:00:00:00:0a:01');
    const seen = await leaving.reach(await t.settled());
    const last = leaving.lastPosition(first.ok ? first.position : -1);
    expect(last).toBe(seen.message.position);
    leaving.close();

    for (let i = 0; i < 10; i++) {
      await t.reconnect('00:00:00:00:0a:01');
      await t.reconnect('00:00:00:00:0b:01');
      await t.reconnect('00:00:00:00:0a:02');
    }
    const missedUpTo = await t.settled();
    await reference.reach(missedUpTo);

    const back = await t.dashboard(tenantToken);
    const ack = await back.subscribe({ models, after: last });
    expect(ack).toEqual({ ok: true, resumed: true, position: missedUpTo, tenants: ['tenant-a'] });
    const missed = after(reference.changes(), last);
    expect(missed).toHaveLength(40);
    expect(back.received).toEqual(missed);

    const live = await t.reconnect('00:00:00:00:0a:02');
    await back.reach(live);
    await reference.reach(live);
    expect(back.received).toEqual(after(reference.changes(), last));
  });

  it('resumes while changes keep being appended: none missed, none twice, strictly by position', async () => {
    const reference = await t.dashboard(tenantToken);
    const start = await reference.subscribe({ models });
    const leaving = await t.dashboard(tenantToken);
    await leaving.subscribe({ models });
    const last = start.ok ? start.position : -1;
    leaving.close();

    // 700 changes, more than a page of the change log, are missed before the client comes back.
    for (let i = 0; i < 350; i++) await t.reconnect(i % 2 === 0 ? '00:00:00:00:0a:01' : '00:00:00:00:0b:01');

    const back = await t.dashboard(tenantToken);
    let appending = true;
    const appendOne = (i: number): Promise<number> => t.reconnect(i % 3 === 0 ? '00:00:00:00:0b:01' : '00:00:00:00:0a:02');
    const appender = (async () => {
      let i = 0;
      while (appending) await appendOne(i++);
      // And after the resume was answered.
      for (const end = i + 30; i < end; ) await appendOne(i++);
    })();
    const ack = await back.subscribe({ models, after: last });
    appending = false;
    await appender;
    const end = await t.settled();
    const appended = t.published.filter((change) => change.tenants[0] === 'tenant-a').at(-1)?.position ?? -1;
    await reference.reach(appended);
    await back.reach(appended);

    // The resume overlapped the appends: it ended while they went on.
    expect(ack).toMatchObject({ ok: true, resumed: true });
    expect(ack.ok && ack.position > last && ack.position < end).toBe(true);
    const expected = after(reference.changes(), last);
    expect(expected.length).toBeGreaterThan(350);
    expect(back.received).toEqual(expected);
    const positions = back.changes().map((change) => change.message.position);
    expect(positions.every((position, i) => i === 0 || position > (positions[i - 1] ?? -1))).toBe(true);
  });
});
