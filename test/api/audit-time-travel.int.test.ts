// `?at=TIME`: a tenant or a device as it was, replayed from its stream, with history made at
// known times on the manual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { Devices } from './devices-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const hour = 3_600_000;
const mac = '00:11:22:33:44:55';
const at = (hh: string): string => `2026-01-01T${hh}Z`;

describe('time travel', () => {
  let t: TestHub;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    const devices = new Devices(t.hub);
    await t.createTenant(admin, 'acme'); // 00:00
    t.clock.advance(hour / 2);
    await t.createTenant(admin, 'globex'); // 00:30
    t.clock.advance(hour / 2);
    await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/grants/globex', token: admin }); // 01:00
    t.clock.advance(hour);
    await devices.connect(mac, false); // 02:00: registered, online, unassigned
    t.clock.advance(hour);
    await devices.assign(mac, 'acme'); // 03:00
    t.clock.advance(hour);
    await devices.disconnect(mac); // 04:00
    t.clock.advance(hour);
    await devices.connect(mac, true); // 05:00: back, with its password
    t.clock.advance(hour);
    const password = await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/password', token: admin, payload: { password: 'acme-new-password' } });
    expect(password.statusCode).toBe(200); // 06:00
    const deployment = await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/password-deployment', token: admin, payload: { enabled: false } });
    expect(deployment.statusCode).toBe(200);
    t.clock.advance(hour);
    await createAuditor(t, admin, 'everywhere');
    await createAuditor(t, admin, 'acme-only', ['acme']);
    await createAuditor(t, admin, 'globex-only', ['globex']);
    auditor = await auditorToken(t, 'everywhere');
  });
  afterAll(async () => t.close());

  const get = (url: string, token = auditor) => t.call({ method: 'GET', url, token });
  const view = async (url: string, token = auditor): Promise<Record<string, unknown>> => {
    const response = await get(url, token);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).not.toMatch(/passwordHash|sealed|scrypt/);
    return response.json() as Record<string, unknown>;
  };

  it('shows a tenant as it was at each moment, the moment itself included', async () => {
    expect(await view(`/api/v1/tenants/acme?at=${at('00:59:59.999')}`)).toEqual({
      id: 'acme',
      name: 'Tenant acme',
      grants: [],
      passwordDeployment: true,
      createdAt: at('00:00:00.000'),
      updatedAt: at('00:00:00.000'),
    });
    expect(await view(`/api/v1/tenants/acme?at=${at('01:00:00')}`)).toMatchObject({ grants: ['globex'], updatedAt: at('01:00:00.000') });
    expect(await view(`/api/v1/tenants/acme?at=2026-01-01T06:30:00%2B01:00`)).toMatchObject({ passwordDeployment: true });
  });

  it('shows the same view as the read model for the present', async () => {
    const now = t.clock.now().toISOString();
    expect(await view(`/api/v1/tenants/acme?at=${now}`)).toEqual(await view('/api/v1/tenants/acme'));
    expect(await view(`/api/v1/tenants/acme?at=${now}`)).toMatchObject({ passwordDeployment: false, updatedAt: at('06:00:00.000') });
    expect(await view(`/api/v1/devices/${mac}?at=${now}`)).toEqual(await view(`/api/v1/devices/${mac}`));
  });

  it('answers 404 for a moment before the tenant or the device existed', async () => {
    expect((await get(`/api/v1/tenants/acme?at=2025-12-31T23:59:59.999Z`)).statusCode).toBe(404);
    expect((await get(`/api/v1/tenants/globex?at=${at('00:29:59')}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/tenants/nowhere?at=${at('12:00:00')}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/devices/${mac}?at=${at('01:59:59')}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/devices/00:00:00:00:00:99?at=${at('12:00:00')}`)).statusCode).toBe(404);
  });

  it('shows a device through registration, assignment, disconnection and return', async () => {
    const base = { mac: '00:11:22:33:44:55', model: 'IP232', firmware: '13r1', registeredAt: at('02:00:00.000'), ip: '192.0.2.50' };
    expect(await view(`/api/v1/devices/${mac}?at=${at('02:30:00')}`)).toEqual({
      ...base,
      tenant: null,
      state: 'unassigned',
      online: true,
      lastSeen: at('02:00:00.000'),
      connectedSince: at('02:00:00.000'),
      apps: [{ name: 'devices', version: '13r1' }],
      software: [],
      categories: ['phones'],
      name: null,
      site: null,
      adminCategories: [],
      updatedAt: at('02:00:00.000'),
    });
    expect(await view(`/api/v1/devices/${mac}?at=${at('03:00:00')}`)).toMatchObject({ tenant: 'acme', state: 'online', updatedAt: at('03:00:00.000') });
    expect(await view(`/api/v1/devices/${mac}?at=${at('04:30:00')}`)).toMatchObject({
      tenant: 'acme',
      state: 'offline',
      online: false,
      lastSeen: at('04:00:00.000'),
      connectedSince: null,
    });
    expect(await view(`/api/v1/devices/${mac}?at=${at('05:00:00')}`)).toMatchObject({ state: 'online', connectedSince: at('05:00:00.000') });
  });

  it('keeps a scoped auditor to its tenants, judging a device by its tenant at that moment', async () => {
    const acmeOnly = await auditorToken(t, 'acme-only');
    const globexOnly = await auditorToken(t, 'globex-only');
    expect((await get(`/api/v1/devices/${mac}?at=${at('02:30:00')}`, acmeOnly)).statusCode).toBe(404);
    expect((await get(`/api/v1/devices/${mac}?at=${at('03:30:00')}`, acmeOnly)).statusCode).toBe(200);
    expect((await get(`/api/v1/devices/${mac}?at=${at('03:30:00')}`, globexOnly)).statusCode).toBe(404);
    expect((await get(`/api/v1/tenants/acme?at=${at('03:30:00')}`, globexOnly)).statusCode).toBe(404);
    expect((await get(`/api/v1/tenants/globex?at=${at('03:30:00')}`, globexOnly)).statusCode).toBe(200);
  });

  it('is history: for the admin and auditors, not for tenant-admins', async () => {
    expect((await get(`/api/v1/tenants/acme?at=${at('03:00:00')}`, admin)).statusCode).toBe(200);
    const tenantAdmin = await t.tenantToken('acme', 'acme-new-password');
    expect((await get('/api/v1/tenants/acme', tenantAdmin)).statusCode).toBe(200);
    const refused = await get(`/api/v1/tenants/acme?at=${at('03:00:00')}`, tenantAdmin);
    expect(refused.statusCode).toBe(403);
    expect((await get(`/api/v1/devices/${mac}?at=${at('03:00:00')}`, tenantAdmin)).statusCode).toBe(403);
  });

  it.each(['yesterday', '2026-01-01T03:00:00', '2026-02-30', ''])('refuses at=%s with 400', async (value) => {
    for (const url of [`/api/v1/tenants/acme?at=${value}`, `/api/v1/devices/${mac}?at=${value}`]) {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: ['query.at'] } });
    }
  });
});
