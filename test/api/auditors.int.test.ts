import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import { auditorPassword, auditorToken, claimsOf, createAuditor } from './auditors-fixture.js';
import { startTestHub, tokenSecret } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface AuditorView {
  readonly id: string;
  readonly name: string;
  readonly tenants: readonly string[] | null;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}
interface Page {
  readonly items: readonly AuditorView[];
  readonly next: string | null;
}

describe('auditor accounts', () => {
  let t: TestHub;
  let admin: string;

  beforeAll(async () => {
    t = await startTestHub({ loginThrottle: { maxFailures: 3, windowMs: 60_000 } });
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
    await t.createTenant(admin, 'globex');
  });
  afterAll(async () => t.close());

  it('creates an auditor of every tenant, shows it without its password, and records only a hash', async () => {
    const created = await t.call({
      method: 'POST',
      url: '/api/v1/auditors',
      token: admin,
      payload: { id: 'alice', name: 'Alice Audit', password: 'alice-password' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe('/api/v1/auditors/alice');
    expect(created.json()).toEqual({
      id: 'alice',
      name: 'Alice Audit',
      tenants: null,
      disabled: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(created.body).not.toContain('alice-password');
    expect(created.body).not.toContain('scrypt');

    const [event] = await t.hub.store.readStream('auditor-alice');
    expect(event?.type).toBe('AuditorCreated');
    expect(event?.metadata.actor).toEqual({ id: 'admin', role: 'admin' });
    expect(String(event?.data.passwordHash)).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(JSON.stringify(event)).not.toContain('alice-password');

    expect((await t.call({ method: 'GET', url: '/api/v1/auditors/alice', token: admin })).json()).toEqual(created.json());
  });

  it('creates an auditor of named tenants, which must exist (404 naming the missing one)', async () => {
    const missing = await t.call({
      method: 'POST',
      url: '/api/v1/auditors',
      token: admin,
      payload: { id: 'bob', name: 'Bob', password: 'bob-password', tenants: ['acme', 'nowhere'] },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found', details: ['body.tenants.1'] } });
    await expect(t.hub.store.readStream('auditor-bob')).rejects.toThrow(/not found/);

    await createAuditor(t, admin, 'bob', ['globex', 'acme']);
    const bob = (await t.call({ method: 'GET', url: '/api/v1/auditors/bob', token: admin })).json() as AuditorView;
    expect(bob.tenants).toEqual(['acme', 'globex']);
  });

  it.each([
    ['an empty tenant list', { id: 'x1', name: 'X', password: 'long-enough', tenants: [] }, 'body.tenants'],
    ['a bad tenant id', { id: 'x1', name: 'X', password: 'long-enough', tenants: ['Not A Tenant'] }, 'body.tenants.0'],
    ['a short password', { id: 'x1', name: 'X', password: 'short' }, 'body.password'],
    ['a bad auditor id', { id: 'X One', name: 'X', password: 'long-enough' }, 'body.id'],
  ])('refuses %s with 400', async (_what, payload, path) => {
    const response = await t.call({ method: 'POST', url: '/api/v1/auditors', token: admin, payload });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { error: { details: string[] } }).error.details).toContain(path);
  });

  it('refuses a second auditor with the same id (409)', async () => {
    const again = await t.call({ method: 'POST', url: '/api/v1/auditors', token: admin, payload: { id: 'alice', name: 'A', password: 'another-password' } });
    expect(again.statusCode).toBe(409);
  });

  it('logs an auditor in with its id and password: role auditor and its tenant scope in the token', async () => {
    const alice = claimsOf(await auditorToken(t, 'alice', 'alice-password'));
    expect(alice).toMatchObject({ sub: 'auditor@alice', role: 'auditor' });
    expect(alice).not.toHaveProperty('tenants');
    const bob = claimsOf(await auditorToken(t, 'bob'));
    expect(bob).toMatchObject({ sub: 'auditor@bob', role: 'auditor', tenants: ['acme', 'globex'] });
  });

  it('lists auditors by id with a cursor, for the admin only', async () => {
    await createAuditor(t, admin, 'carol');
    const first = (await t.call({ method: 'GET', url: '/api/v1/auditors?limit=2', token: admin })).json() as Page;
    expect(first.items.map((a) => a.id)).toEqual(['alice', 'bob']);
    const rest = (await t.call({ method: 'GET', url: `/api/v1/auditors?limit=2&after=${first.next ?? ''}`, token: admin })).json() as Page;
    expect(rest).toMatchObject({ items: [{ id: 'carol' }], next: null });

    const auditor = await auditorToken(t, 'alice', 'alice-password');
    const tenantAdmin = await t.tenantToken('acme', 'acme-password');
    for (const token of [auditor, tenantAdmin]) {
      expect((await t.call({ method: 'GET', url: '/api/v1/auditors', token })).statusCode).toBe(403);
      expect((await t.call({ method: 'GET', url: '/api/v1/auditors/alice', token })).statusCode).toBe(403);
    }
    expect((await t.call({ method: 'GET', url: '/api/v1/auditors/nobody', token: admin })).statusCode).toBe(404);
    expect((await t.call({ method: 'GET', url: '/api/v1/auditors' })).statusCode).toBe(401);
  });

  it('changes an auditor password: the new one works, the old one does not', async () => {
    t.clock.advance(60_000);
    const changed = await t.call({ method: 'PUT', url: '/api/v1/auditors/carol/password', token: admin, payload: { password: 'carol-new-password' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: 'carol', disabled: false, updatedAt: '2026-01-01T00:01:00.000Z' });
    const old = await t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { auditor: 'carol', password: auditorPassword('carol') }, remoteAddress: '10.1.0.1' });
    expect(old.statusCode).toBe(401);
    await auditorToken(t, 'carol', 'carol-new-password');
    expect((await t.call({ method: 'PUT', url: '/api/v1/auditors/nobody/password', token: admin, payload: { password: 'whatever-pw' } })).statusCode).toBe(404);
  });

  it('disables an auditor by an event: it can no longer log in, nor get a new password; disabling again is a no-op', async () => {
    const deleted = await t.call({ method: 'DELETE', url: '/api/v1/auditors/carol', token: admin });
    expect(deleted.statusCode).toBe(204);
    const events = await t.hub.store.readStream('auditor-carol');
    expect(events.map((e) => e.type)).toEqual(['AuditorCreated', 'AuditorPasswordChanged', 'AuditorDisabled']);
    expect((await t.call({ method: 'GET', url: '/api/v1/auditors/carol', token: admin })).json()).toMatchObject({ disabled: true });

    const login = await t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { auditor: 'carol', password: 'carol-new-password' }, remoteAddress: '10.1.0.2' });
    expect(login.statusCode).toBe(401);
    expect(login.json()).toEqual({ error: { code: 'unauthenticated', message: 'invalid credentials', details: [] } });

    const head = await t.head();
    expect((await t.call({ method: 'DELETE', url: '/api/v1/auditors/carol', token: admin })).statusCode).toBe(204);
    expect((await t.call({ method: 'PUT', url: '/api/v1/auditors/carol/password', token: admin, payload: { password: 'carol-third-pw' } })).statusCode).toBe(409);
    expect(await t.head()).toBe(head);
    expect((await t.call({ method: 'DELETE', url: '/api/v1/auditors/nobody', token: admin })).statusCode).toBe(404);
  });

  it('counts failed auditor logins in the login throttle, unknown auditors included', async () => {
    const ip = '10.1.0.9';
    const attempt = (auditor: string, password: string) =>
      t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { auditor, password }, remoteAddress: ip });
    expect((await attempt('alice', 'wrong-password')).statusCode).toBe(401);
    expect((await attempt('nobody', 'wrong-password')).statusCode).toBe(401);
    expect((await attempt('carol', 'carol-new-password')).statusCode).toBe(401);
    const limited = await attempt('alice', 'alice-password');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
  });

  it('refuses a login naming both a tenant and an auditor', async () => {
    const both = await t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { auditor: 'alice', tenant: 'acme', password: 'alice-password' } });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ error: { details: ['body.auditor'] } });
  });

  it('builds the auditor read model from the store alone (a second hub on the same store)', async () => {
    const second = await buildHub({ dataDir: t.dataDir, nodeId: 'second', tokenSecret, clock: t.clock, logLevel: 'silent' });
    try {
      await second.readModels.waitFor(await second.store.headPosition(), 5000);
      const listed = await second.app.inject({ method: 'GET', url: '/api/v1/auditors', headers: { authorization: `Bearer ${admin}` } });
      expect((listed.json() as Page).items.map((a) => [a.id, a.tenants, a.disabled])).toEqual([
        ['alice', null, false],
        ['bob', ['acme', 'globex'], false],
        ['carol', null, true],
      ]);
    } finally {
      await second.close();
    }
  });
});
