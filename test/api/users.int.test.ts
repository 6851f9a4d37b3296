// People's accounts through the API: who may create which, what one sees of them, and a
// password change, a disabling or a deletion voiding the account's older tokens at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';
import { createUser, userPassword, userToken } from './users-fixture.js';

interface UserView {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly role: string;
  readonly tenants: readonly string[] | null;
  readonly disabled: boolean;
}

describe('user accounts', () => {
  let t: TestHub;
  let admin: string;
  let owner: string;

  beforeAll(async () => {
    t = await startTestHub({ loginThrottle: { maxFailures: 50, windowMs: 60_000 } });
    admin = await t.adminToken();
    for (const id of ['acme', 'globex']) await t.createTenant(admin, id);
    await createUser(t, admin, { id: 'olga', role: 'owner', tenants: ['acme'] });
    owner = await userToken(t, 'olga');
  });
  afterAll(async () => t.close());

  const login = (user: string): ReturnType<TestHub['call']> =>
    t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { user, password: userPassword(user) } });

  const ids = async (token: string): Promise<string[]> => {
    const response = await t.call({ method: 'GET', url: '/api/v1/users', token });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: UserView[] }).items.map((user) => user.id);
  };

  it('creates an account and shows it without its password; the store holds only a hash', async () => {
    const payload = { id: 'ada', name: 'Ada Admin', email: 'ada@example.com', password: 'ada-password', role: 'admin' };
    const created = await t.call({ method: 'POST', url: '/api/v1/users', token: admin, payload });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe('/api/v1/users/ada');
    expect(created.json()).toMatchObject({ id: 'ada', name: 'Ada Admin', email: 'ada@example.com', role: 'admin', tenants: null, disabled: false });
    expect(created.body).not.toContain('ada-password');
    const [event] = await t.hub.store.readStream('user-ada');
    expect(event?.metadata.actor).toEqual({ id: 'admin', role: 'admin' });
    expect(String(event?.data.passwordHash)).toMatch(/^scrypt\$/);
    // An admin account acts as the person, with the admin's reach.
    const ada = await userToken(t, 'ada', 'ada-password');
    expect((await t.call({ method: 'POST', url: '/api/v1/tenants', token: ada, payload: { id: 'initech', name: 'Initech', password: 'initech-password' } })).statusCode).toBe(201);
    expect((await t.hub.store.readStream('tenant-initech'))[0]?.metadata.actor).toEqual({ id: 'user@ada', role: 'admin' });
  });

  it('refuses a bad body, an unknown tenant and an id taken, changing nothing', async () => {
    const before = await t.head();
    const base = { id: 'bad', name: 'Bad', password: 'bad-password' };
    const refused = [
      [{ ...base, role: 'root', tenants: ['acme'] }, 400],
      [{ ...base, role: 'operator' }, 400],
      [{ ...base, role: 'admin', tenants: ['acme'] }, 400],
      [{ ...base, role: 'operator', tenants: ['acme'], email: 'not an email' }, 400],
      [{ ...base, role: 'operator', tenants: ['nowhere'] }, 404],
      [{ ...base, id: 'olga', role: 'operator', tenants: ['acme'] }, 409],
    ] as const;
    for (const [payload, status] of refused) {
      const response = await t.call({ method: 'POST', url: '/api/v1/users', token: admin, payload });
      expect(response.statusCode, response.body).toBe(status);
    }
    expect(await t.head()).toBe(before);
  });

  it('lets an owner create owners and operators of its own tenants only', async () => {
    await createUser(t, owner, { id: 'oscar', role: 'operator', tenants: ['acme'] });
    const refused = [
      [{ role: 'admin' }, 403],
      [{ role: 'auditor' }, 403],
      [{ role: 'operator', tenants: ['globex'] }, 404],
      [{ role: 'owner', tenants: ['acme', 'globex'] }, 404],
    ] as const;
    for (const [fields, status] of refused) {
      const payload = { id: 'nope', name: 'Nope', password: 'nope-password', ...fields };
      const response = await t.call({ method: 'POST', url: '/api/v1/users', token: owner, payload });
      expect(response.statusCode, response.body).toBe(status);
    }
    const tenantAdmin = await t.tenantToken('acme', 'acme-password');
    const payload = { id: 'nope', name: 'Nope', password: 'nope-password', role: 'operator', tenants: ['acme'] };
    expect((await t.call({ method: 'POST', url: '/api/v1/users', token: tenantAdmin, payload })).statusCode).toBe(403);
  });

  it('lists and shows to an owner only the accounts of its own tenants', async () => {
    await createUser(t, admin, { id: 'gil', role: 'operator', tenants: ['globex'] });
    await createUser(t, admin, { id: 'both', role: 'operator', tenants: ['acme', 'globex'] });
    expect(await ids(owner)).toEqual(['olga', 'oscar']);
    expect(await ids(admin)).toEqual(expect.arrayContaining(['ada', 'both', 'gil', 'olga', 'oscar']));
    expect((await t.call({ method: 'GET', url: '/api/v1/users/gil', token: owner })).statusCode).toBe(404);
    expect((await t.call({ method: 'GET', url: '/api/v1/users/oscar', token: owner })).json()).toMatchObject({ id: 'oscar', role: 'operator', tenants: ['acme'] });
    const operator = await userToken(t, 'oscar');
    expect((await t.call({ method: 'GET', url: '/api/v1/users', token: operator })).statusCode).toBe(403);
  });

  it("changes a password: one's own, or one's users'; older tokens are void at once", async () => {
    await createUser(t, owner, { id: 'pia', role: 'operator', tenants: ['acme'] });
    const old = await userToken(t, 'pia');
    const own = await t.call({ method: 'PUT', url: '/api/v1/users/pia/password', token: old, payload: { password: 'pia-second-password' } });
    expect(own.statusCode, own.body).toBe(200);
    expect((await t.call({ method: 'GET', url: '/api/v1/devices', token: old })).statusCode).toBe(401);
    const second = await userToken(t, 'pia', 'pia-second-password');
    // An operator changes no one else's.
    expect((await t.call({ method: 'PUT', url: '/api/v1/users/oscar/password', token: second, payload: { password: 'oscar-new-password' } })).statusCode).toBe(403);
    // Its owner may; an owner of other tenants does not even see it.
    expect((await t.call({ method: 'PUT', url: '/api/v1/users/pia/password', token: owner, payload: { password: 'pia-third-password' } })).statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: '/api/v1/devices', token: second })).statusCode).toBe(401);
    expect((await t.call({ method: 'PUT', url: '/api/v1/users/gil/password', token: owner, payload: { password: 'gil-new-password' } })).statusCode).toBe(404);
    await userToken(t, 'pia', 'pia-third-password');
  });

  it('disables and enables an account: disabled, it cannot log in and its tokens are void, even after enabling', async () => {
    const token = await userToken(t, 'oscar');
    const disabled = await t.call({ method: 'POST', url: '/api/v1/users/oscar/disable', token: owner });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({ id: 'oscar', disabled: true });
    expect((await t.call({ method: 'GET', url: '/api/v1/devices', token })).statusCode).toBe(401);
    expect((await login('oscar')).statusCode).toBe(401);
    const enabled = await t.call({ method: 'POST', url: '/api/v1/users/oscar/enable', token: owner });
    expect(enabled.json()).toMatchObject({ disabled: false });
    expect((await t.call({ method: 'GET', url: '/api/v1/devices', token })).statusCode).toBe(401);
    await userToken(t, 'oscar');
  });

  it('deletes an account for good: gone from the list, its tokens void, its id not given out again', async () => {
    await createUser(t, owner, { id: 'quinn', role: 'operator', tenants: ['acme'] });
    const token = await userToken(t, 'quinn');
    expect((await t.call({ method: 'DELETE', url: '/api/v1/users/quinn', token: owner })).statusCode).toBe(204);
    expect(await ids(owner)).not.toContain('quinn');
    expect((await t.call({ method: 'GET', url: '/api/v1/users/quinn', token: admin })).statusCode).toBe(404);
    expect((await t.call({ method: 'GET', url: '/api/v1/devices', token })).statusCode).toBe(401);
    expect((await login('quinn')).statusCode).toBe(401);
    const again = { id: 'quinn', name: 'Quinn', password: 'quinn-password', role: 'operator', tenants: ['acme'] };
    expect((await t.call({ method: 'POST', url: '/api/v1/users', token: admin, payload: again })).statusCode).toBe(409);
  });

  it('refuses a login naming a user and a tenant', async () => {
    const response = await t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { user: 'olga', tenant: 'acme', password: userPassword('olga') } });
    expect(response.json()).toMatchObject({ error: { details: ['body.user'] } });
    expect(response.statusCode).toBe(400);
  });
});
