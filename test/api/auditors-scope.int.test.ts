// An auditor reads everything it is scoped to: every tenant, or exactly its named tenants
// (grants between tenants do not widen it); anything else is not found, as for tenant-admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { Devices } from './devices-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface Page {
  readonly items: readonly { readonly id?: string; readonly mac?: string }[];
}

describe('auditor scope', () => {
  let t: TestHub;
  let everywhere: string;
  let acmeOnly: string;

  beforeAll(async () => {
    t = await startTestHub();
    const admin = await t.adminToken();
    for (const id of ['acme', 'globex', 'initech']) await t.createTenant(admin, id);
    // acme's admins may see globex: its auditor still may not.
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/grants/globex', token: admin })).statusCode).toBe(200);
    const devices = new Devices(t.hub);
    await devices.add({ mac: '00:00:00:00:00:01', tenant: 'acme' });
    await devices.add({ mac: '00:00:00:00:00:02', tenant: 'globex', online: false });
    await devices.add({ mac: '00:00:00:00:00:03' });
    for (const tenant of ['acme', 'globex']) {
      const issued = await t.call({ method: 'POST', url: `/api/v1/tenants/${tenant}/provisioning-codes`, token: admin, payload: {} });
      expect(issued.statusCode).toBe(201);
    }
    await createAuditor(t, admin, 'everywhere');
    await createAuditor(t, admin, 'acme-only', ['acme']);
    everywhere = await auditorToken(t, 'everywhere');
    acmeOnly = await auditorToken(t, 'acme-only');
  });
  afterAll(async () => t.close());

  const get = (url: string, token: string) => t.call({ method: 'GET', url, token });
  const listed = async (url: string, token: string): Promise<string[]> => {
    const response = await get(url, token);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as Page).items.map((item) => item.id ?? item.mac ?? '?');
  };

  it('lets an auditor of every tenant read every tenant, device and provisioning code', async () => {
    expect(await listed('/api/v1/tenants', everywhere)).toEqual(['acme', 'globex', 'initech']);
    expect(await listed('/api/v1/devices', everywhere)).toEqual(['00:00:00:00:00:01', '00:00:00:00:00:02', '00:00:00:00:00:03']);
    expect((await get('/api/v1/devices/00:00:00:00:00:03', everywhere)).statusCode).toBe(200);
    expect((await get('/api/v1/tenants/globex', everywhere)).statusCode).toBe(200);
    const codes = await get('/api/v1/tenants/globex/provisioning-codes', everywhere);
    expect(codes.statusCode).toBe(200);
    expect((codes.json() as { items: unknown[] }).items).toHaveLength(1);
  });

  it('lets a scoped auditor list only its tenants and their devices', async () => {
    expect(await listed('/api/v1/tenants', acmeOnly)).toEqual(['acme']);
    expect(await listed('/api/v1/devices', acmeOnly)).toEqual(['00:00:00:00:00:01']);
    expect(await listed('/api/v1/devices?tenant=globex', acmeOnly)).toEqual([]);
  });

  it.each([
    '/api/v1/tenants/globex',
    '/api/v1/tenants/initech',
    '/api/v1/tenants/nowhere',
    '/api/v1/devices/00:00:00:00:00:02',
    '/api/v1/devices/00:00:00:00:00:03',
    '/api/v1/tenants/globex/provisioning-codes',
  ])('answers 404 to a scoped auditor for %s', async (url) => {
    const response = await get(url, acmeOnly);
    expect(response.statusCode).toBe(404);
    expect((response.json() as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('lets a scoped auditor read its own tenant, device and codes', async () => {
    expect((await get('/api/v1/tenants/acme', acmeOnly)).json()).toMatchObject({ id: 'acme', grants: ['globex'] });
    expect((await get('/api/v1/devices/00:00:00:00:00:01', acmeOnly)).json()).toMatchObject({ tenant: 'acme' });
    expect(((await get('/api/v1/tenants/acme/provisioning-codes', acmeOnly)).json() as { items: unknown[] }).items).toHaveLength(1);
  });
});
