// The device query API: filters, pages, MAC spellings, and who may see which device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedMacForms, formatMac } from '../../domain/device/mac.js';
import { Devices, phone } from './devices-fixture.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface DeviceView {
  readonly mac: string;
  readonly tenant: string | null;
  readonly state: string;
  readonly online: boolean;
}
interface Page {
  readonly items: readonly DeviceView[];
  readonly next: string | null;
}

const gateway = { model: 'IP811', firmware: '13r2', apps: [], software: [], categories: ['gateways'] };
const mac = (n: number): string => `00112200000${n}`;
const shown = (n: number): string => formatMac(mac(n));

describe('device query API', () => {
  let t: TestHub;
  let admin: string;
  let acme: string;
  let globex: string;
  let initech: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    for (const id of ['acme', 'globex', 'initech']) await t.createTenant(admin, id);
    // globex may see acme; not the other way round.
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/globex/grants/acme', token: admin })).statusCode).toBe(200);
    acme = await t.tenantToken('acme', 'acme-password');
    globex = await t.tenantToken('globex', 'globex-password');
    initech = await t.tenantToken('initech', 'initech-password');

    const devices = new Devices(t.hub);
    await devices.add({ mac: mac(1), tenant: 'acme' });
    await devices.add({ mac: mac(2), tenant: 'acme', inventory: gateway, online: false });
    await devices.add({ mac: mac(3), tenant: 'globex', inventory: { ...phone, categories: ['phones', 'lobby'] } });
    await devices.add({ mac: mac(4) });
    await devices.add({ mac: mac(5), tenant: 'initech' });
    // Assigned to acme, then back after a long reset: without its password it is unassigned.
    await devices.add({ mac: mac(6), tenant: 'acme', online: false });
    await devices.connect(mac(6), false);
  });
  afterAll(async () => t.close());

  const get = (url: string, token?: string) => t.call({ method: 'GET', url, ...(token === undefined ? {} : { token }) });
  async function list(query: string, token = admin): Promise<Page> {
    const response = await get(`/api/v1/devices${query}`, token);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Page;
  }
  const macs = async (query: string, token = admin): Promise<string[]> => (await list(query, token)).items.map((item) => item.mac);

  it('lists every device to an admin, in MAC order, with its state and listed tenant', async () => {
    const { items, next } = await list('');
    expect(next).toBeNull();
    expect(items.map((d) => [d.mac, d.tenant, d.state, d.online])).toEqual([
      [shown(1), 'acme', 'online', true],
      [shown(2), 'acme', 'offline', false],
      [shown(3), 'globex', 'online', true],
      [shown(4), null, 'unassigned', true],
      [shown(5), 'initech', 'online', true],
      [shown(6), null, 'unassigned', true],
    ]);
    expect(JSON.stringify(items)).not.toContain('scrypt');
  });

  it('filters by tenant, state, category, model, firmware and text', async () => {
    expect(await macs('?tenant=acme')).toEqual([shown(1), shown(2)]);
    expect(await macs('?state=unassigned')).toEqual([shown(4), shown(6)]);
    expect(await macs('?state=online')).toEqual([shown(1), shown(3), shown(5)]);
    expect(await macs('?state=offline')).toEqual([shown(2)]);
    expect(await macs('?category=lobby')).toEqual([shown(3)]);
    expect(await macs('?category=phones&tenant=acme')).toEqual([shown(1)]);
    expect(await macs('?model=IP811')).toEqual([shown(2)]);
    expect(await macs('?firmware=13r2')).toEqual([shown(2)]);
    expect(await macs(`?q=${encodeURIComponent('00:11:22:00:00:05')}`)).toEqual([shown(5)]);
    expect(await macs('?q=ip81')).toEqual([shown(2)]);
    expect(await macs('?q=nothing-like-it')).toEqual([]);
  });

  it('pages with a cursor that accepts any MAC spelling', async () => {
    const first = await list('?limit=4');
    expect(first.items.map((d) => d.mac)).toEqual([shown(1), shown(2), shown(3), shown(4)]);
    expect(first.next).toBe(shown(4));
    const second = await list(`?limit=4&after=${first.next ?? ''}`);
    expect(second).toMatchObject({ items: [{ mac: shown(5) }, { mac: shown(6) }], next: null });
    expect(await macs('?limit=2&after=00-11-22-00-00-02')).toEqual([shown(3), shown(4)]);
    expect(await macs('?limit=1&tenant=acme&after=00:11:22:00:00:01')).toEqual([shown(2)]);
  });

  it('refuses bad filters and page sizes with 400', async () => {
    for (const query of ['?limit=0', '?limit=501', '?limit=ten', '?state=lost', '?tenant=Not_A_Tenant', '?after=zz', '?q=']) {
      const response = await get(`/api/v1/devices${query}`, admin);
      expect(response.statusCode, query).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect((await get('/api/v1/devices?limit=500', admin)).statusCode).toBe(200);
  });

  it('reads a device by its MAC in any accepted spelling', async () => {
    const spellings = ['00:11:22:00:00:01', '00-11-22-00-00-01', '001122000001'];
    const bodies = await Promise.all(spellings.map(async (spelling) => get(`/api/v1/devices/${encodeURIComponent(spelling)}`, admin)));
    bodies.forEach((response) => expect(response.statusCode).toBe(200));
    expect(new Set(bodies.map((response) => response.body)).size).toBe(1);
    expect(bodies[0]?.json()).toMatchObject({ mac: shown(1), tenant: 'acme', state: 'online', model: 'IP232', categories: ['phones'] });
  });

  it('answers a malformed MAC with 400 naming the accepted forms, and an unknown one with 404', async () => {
    for (const bad of ['00:11:22:00:00', '00:11:22:00:00:0g', '00112200000', '00:11-22:00:00:01']) {
      const response = await get(`/api/v1/devices/${encodeURIComponent(bad)}`, admin);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: ['params.mac'] } });
      expect((response.json() as { error: { message: string } }).error.message).toContain(acceptedMacForms);
    }
    const unknown = await get('/api/v1/devices/00:11:22:99:99:99', admin);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'not_found', details: ['params.mac'] } });
  });

  it('shows a tenant-admin the devices of its tenant only; others, unassigned ones included, are not found', async () => {
    expect(await macs('', acme)).toEqual([shown(1), shown(2)]);
    expect(await macs('?state=unassigned', acme)).toEqual([]);
    expect(await macs('?tenant=globex', acme)).toEqual([]);
    expect((await get(`/api/v1/devices/${shown(1)}`, acme)).statusCode).toBe(200);
    const unknown = await get('/api/v1/devices/00:11:22:99:99:99', acme);
    for (const hidden of [shown(3), shown(4), shown(5), shown(6)]) {
      const response = await get(`/api/v1/devices/${hidden}`, acme);
      expect(response.statusCode, hidden).toBe(404);
      // Not a word more than for a MAC that never connected.
      expect(response.body.replace(/[0-9A-F]{2}(:[0-9A-F]{2}){5}/g, 'MAC')).toBe(unknown.body.replace(/[0-9A-F]{2}(:[0-9A-F]{2}){5}/g, 'MAC'));
    }
    expect(await macs('', initech)).toEqual([shown(5)]);
  });

  it('lets a granted tenant see the devices of the tenant granted to it', async () => {
    expect(await macs('', globex)).toEqual([shown(1), shown(2), shown(3)]);
    expect(await macs('?tenant=acme', globex)).toEqual([shown(1), shown(2)]);
    expect((await get(`/api/v1/devices/${shown(2)}`, globex)).statusCode).toBe(200);
    expect((await get(`/api/v1/devices/${shown(5)}`, globex)).statusCode).toBe(404);
  });

  it('lets an auditor read every device, unassigned ones included', async () => {
    await createAuditor(t, admin, 'auditor-1');
    const auditor = await auditorToken(t, 'auditor-1');
    expect(await macs('', auditor)).toEqual([shown(1), shown(2), shown(3), shown(4), shown(5), shown(6)]);
    expect((await get(`/api/v1/devices/${shown(4)}`, auditor)).statusCode).toBe(200);
  });

  it('requires a token', async () => {
    expect((await get('/api/v1/devices')).statusCode).toBe(401);
    expect((await get(`/api/v1/devices/${shown(1)}`)).statusCode).toBe(401);
  });
});

describe('device list page size', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t.close());

  it('defaults to 50 devices a page', async () => {
    const devices = new Devices(t.hub);
    for (let n = 0; n < 51; n += 1) await devices.add({ mac: n.toString(16).padStart(12, '0') });
    const admin = await t.adminToken();
    const first = (await t.call({ method: 'GET', url: '/api/v1/devices', token: admin })).json() as Page;
    expect(first.items).toHaveLength(50);
    expect(first.next).toBe('00:00:00:00:00:31');
    const rest = (await t.call({ method: 'GET', url: `/api/v1/devices?after=${first.next ?? ''}`, token: admin })).json() as Page;
    expect(rest).toEqual({ items: [expect.objectContaining({ mac: '00:00:00:00:00:32' })], next: null });
  });
});
