// What an admin says of a device (name, site, categories): set, cleared, listed, filtered and
// searched; who may set it; bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import { Devices, phone } from './devices-fixture.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface DeviceView {
  readonly mac: string;
  readonly name: string | null;
  readonly site: string | null;
  readonly categories: readonly string[];
  readonly adminCategories: readonly string[];
}
interface Page {
  readonly items: readonly DeviceView[];
}

const mac = (n: number): string => `00112200000${n}`;
/** The MAC as the API writes it. */
const apiMac = (n: number): string => formatMac(mac(n));

describe('device details an admin sets', () => {
  let t: TestHub;
  let admin: string;
  let acme: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    for (const id of ['acme', 'globex']) await t.createTenant(admin, id);
    acme = await t.tenantToken('acme', 'acme-password');
    const devices = new Devices(t.hub);
    await devices.add({ mac: mac(1), tenant: 'acme' });
    await devices.add({ mac: mac(2), tenant: 'acme', online: false });
    await devices.add({ mac: mac(3), tenant: 'globex' });
  });
  afterAll(async () => t.close());

  const patch = (n: number, payload: object, token = admin) => t.call({ method: 'PATCH', url: `/api/v1/devices/${mac(n)}`, token, payload });
  const eventsOf = async (n: number): Promise<string[]> => (await t.hub.store.readStream(`device-${mac(n)}`)).map((event) => event.type);
  async function macs(query: string): Promise<string[]> {
    const response = await t.call({ method: 'GET', url: `/api/v1/devices${query}`, token: admin });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as Page).items.map((item) => item.mac);
  }

  it('sets a name, a site and categories, and answers the device with them', async () => {
    const response = await patch(1, { name: 'PC m01', site: 'Berlin HQ', categories: ['pcs', 'lab'] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ mac: apiMac(1), name: 'PC m01', site: 'Berlin HQ', categories: phone.categories, adminCategories: ['pcs', 'lab'] });
    const shown = await t.call({ method: 'GET', url: `/api/v1/devices/${mac(1)}`, token: admin });
    expect(shown.json()).toMatchObject({ name: 'PC m01', site: 'Berlin HQ', adminCategories: ['pcs', 'lab'] });
  });

  it('sets them on an offline device too, and lets a tenant-admin set them on its own devices', async () => {
    const response = await patch(2, { site: 'Hamburg' }, acme);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ name: null, site: 'Hamburg', adminCategories: [] });
  });

  it('lists, filters by site and by admin-set category, and searches name and site', async () => {
    expect(await macs('?site=Berlin%20HQ')).toEqual([apiMac(1)]);
    expect(await macs('?site=Hamburg')).toEqual([apiMac(2)]);
    expect(await macs('?category=lab')).toEqual([apiMac(1)]);
    // Reported categories still count.
    expect(await macs('?category=phones')).toEqual([apiMac(1), apiMac(2), apiMac(3)]);
    expect(await macs('?q=m01')).toEqual([apiMac(1)]);
    expect(await macs('?q=hambu')).toEqual([apiMac(2)]);
    expect(await macs('?q=berlin')).toEqual([apiMac(1)]);
  });

  it('appends nothing when nothing changes, and clears fields with null', async () => {
    const before = await eventsOf(1);
    expect((await patch(1, { name: 'PC m01', categories: ['pcs', 'lab'] })).statusCode).toBe(200);
    expect(await eventsOf(1)).toEqual(before);
    const cleared = await patch(1, { name: null, categories: null });
    expect(cleared.json()).toMatchObject({ name: null, site: 'Berlin HQ', adminCategories: [] });
    expect((await eventsOf(1)).slice(before.length)).toEqual(['DeviceDetailsSet']);
    expect(await macs('?category=lab')).toEqual([]);
    expect(await macs('?q=m01')).toEqual([]);
  });

  it('refuses bad input with 400 naming the field, appending nothing', async () => {
    const before = await eventsOf(3);
    const cases: readonly [object, string][] = [
      [{ name: '' }, 'body.name'],
      [{ name: 'x'.repeat(101) }, 'body.name'],
      [{ site: 42 }, 'body.site'],
      [{ categories: ['x'.repeat(201)] }, 'body.categories'],
      [{ categories: Array.from({ length: 101 }, (_, i) => `c${i}`) }, 'body.categories'],
    ];
    for (const [payload, field] of cases) {
      const response = await patch(3, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const { error } = response.json() as { error: { code: string; details: string[] } };
      expect(error.code).toBe('validation_failed');
      expect(error.details.some((detail) => detail.startsWith(field)), JSON.stringify(error)).toBe(true);
    }
    expect(await eventsOf(3)).toEqual(before);
  });

  it("hides another tenant's device from a tenant-admin and refuses auditors", async () => {
    expect((await patch(3, { name: 'not mine' }, acme)).statusCode).toBe(404);
    expect((await patch(9, { name: 'never seen' })).statusCode).toBe(404);
    await createAuditor(t, admin, 'alice');
    const auditor = await auditorToken(t, 'alice');
    expect((await patch(1, { name: 'audited' }, auditor)).statusCode).toBe(403);
    expect((await t.call({ method: 'PATCH', url: `/api/v1/devices/${mac(1)}`, payload: { name: 'x' } })).statusCode).toBe(401);
  });
});
