import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface TenantView {
  readonly id: string;
  readonly name: string;
  readonly grants: readonly string[];
}
interface Page {
  readonly items: readonly TenantView[];
  readonly next: string | null;
}

describe('tenants', () => {
  let t: TestHub;
  let admin: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
  });
  afterAll(async () => t.close());

  const get = async (url: string, token: string) => t.call({ method: 'GET', url, token });
  const ids = async (token: string): Promise<string[]> => {
    const response = await get('/api/v1/tenants', token);
    expect(response.statusCode).toBe(200);
    return (response.json() as Page).items.map((item) => item.id);
  };

  it('creates a tenant and reads it back at once (read-your-writes)', async () => {
    const created = await t.call({
      method: 'POST',
      url: '/api/v1/tenants',
      token: admin,
      payload: { id: 'acme', name: 'Acme Corp', password: 'acme-password', ignored: true },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/api/v1/tenants/acme');
    expect(created.json()).toMatchObject({ id: 'acme', name: 'Acme Corp', grants: [] });
    expect(created.body).not.toContain('acme-password');
    expect(created.body).not.toContain('passwordHash');
    expect(created.body).not.toContain('sealed');

    const read = await get('/api/v1/tenants/acme', admin);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created.json());
  });

  it('records who did it, from where, under which request id, and only a hash of the password', async () => {
    const [event] = await t.hub.store.readStream('tenant-acme');
    expect(event?.type).toBe('TenantCreated');
    expect(event?.metadata.actor).toEqual({ id: 'admin', role: 'admin' });
    expect(event?.metadata.ip).toBe('127.0.0.1');
    expect(event?.metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(event?.data.passwordHash)).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(JSON.stringify(event)).not.toContain('acme-password');
  });

  it('pages through tenants with a cursor', async () => {
    for (const id of ['b1', 'b2', 'b3', 'b4']) await t.createTenant(admin, id);
    const first = (await get('/api/v1/tenants?limit=2', admin)).json() as Page;
    expect(first.items.map((i) => i.id)).toEqual(['acme', 'b1']);
    expect(first.next).toBe('b1');
    const second = (await get(`/api/v1/tenants?limit=2&after=${first.next}`, admin)).json() as Page;
    expect(second.items.map((i) => i.id)).toEqual(['b2', 'b3']);
    const last = (await get(`/api/v1/tenants?limit=2&after=${second.next}`, admin)).json() as Page;
    expect(last).toMatchObject({ items: [{ id: 'b4' }], next: null });
  });

  it('lets a tenant-admin see its own tenant and the tenants granted to it, and nothing else', async () => {
    const b1 = await t.tenantToken('b1', 'b1-password');
    expect(await ids(b1)).toEqual(['b1']);
    expect((await get('/api/v1/tenants/b2', b1)).statusCode).toBe(404);
    expect((await get('/api/v1/tenants/no-such', b1)).statusCode).toBe(404);

    const granted = await t.call({ method: 'PUT', url: '/api/v1/tenants/b1/grants/b2', token: admin });
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toMatchObject({ id: 'b1', grants: ['b2'] });
    expect(await ids(b1)).toEqual(['b1', 'b2']);
    expect((await get('/api/v1/tenants/b2', b1)).statusCode).toBe(200);
    // The grant goes one way: b2 still sees only itself.
    expect(await ids(await t.tenantToken('b2', 'b2-password'))).toEqual(['b2']);

    const revoked = await t.call({ method: 'DELETE', url: '/api/v1/tenants/b1/grants/b2', token: admin });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ grants: [] });
    expect(await ids(b1)).toEqual(['b1']);
    expect((await get('/api/v1/tenants/b2', b1)).statusCode).toBe(404);
  });

  it('treats a repeated grant or revoke as a no-op', async () => {
    const before = await t.head();
    expect((await t.call({ method: 'DELETE', url: '/api/v1/tenants/b3/grants/b4', token: admin })).statusCode).toBe(200);
    expect(await t.head()).toBe(before);
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/b3/grants/b4', token: admin })).statusCode).toBe(200);
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/b3/grants/b4', token: admin })).statusCode).toBe(200);
    expect(await t.hub.store.readAll({ after: before })).toHaveLength(1);
  });

  it('lets the admin and the tenant itself change its password; the new one works, the old does not', async () => {
    const b1 = await t.tenantToken('b1', 'b1-password');
    const own = await t.call({ method: 'PUT', url: '/api/v1/tenants/b1/password', token: b1, payload: { password: 'b1-new-password' } });
    expect(own.statusCode).toBe(200);
    expect((await t.login({ tenant: 'b1', password: 'b1-password' })).statusCode).toBe(401);
    expect((await t.login({ tenant: 'b1', password: 'b1-new-password' })).statusCode).toBe(200);

    const byAdmin = await t.call({ method: 'PUT', url: '/api/v1/tenants/b1/password', token: admin, payload: { password: 'b1-third-password' } });
    expect(byAdmin.statusCode).toBe(200);
    expect((await t.login({ tenant: 'b1', password: 'b1-third-password' })).statusCode).toBe(200);
  });

  it("forbids a tenant-admin to change a granted tenant's password, and hides other tenants", async () => {
    await t.call({ method: 'PUT', url: '/api/v1/tenants/b1/grants/b2', token: admin });
    const b1 = await t.tenantToken('b1', 'b1-third-password');
    const before = await t.head();
    const granted = await t.call({ method: 'PUT', url: '/api/v1/tenants/b2/password', token: b1, payload: { password: 'hijacked-pw' } });
    expect(granted.statusCode).toBe(403);
    const hidden = await t.call({ method: 'PUT', url: '/api/v1/tenants/b3/password', token: b1, payload: { password: 'hijacked-pw' } });
    expect(hidden.statusCode).toBe(404);
    expect(await t.head()).toBe(before);
  });
});
