import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, startTestHub, tokenSecret } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
function handMadeToken(claims: object, secret = tokenSecret): string {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('authentication', () => {
  let t: TestHub;
  let admin: string;

  beforeAll(async () => {
    t = await startTestHub({ loginThrottle: { maxFailures: 5, windowMs: 60_000 } });
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme', 'acme-password');
  });
  afterAll(async () => t.close());

  it('logs the instance admin in with TETHER_ADMIN_PASSWORD and the token works', async () => {
    const response = await t.login({ password: adminPassword });
    expect(response.statusCode).toBe(200);
    const { token } = response.json() as { token: string };
    expect(token.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'admin', role: 'admin', gen: 1 });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(12 * 3600);
    expect((await t.call({ method: 'GET', url: '/api/v1/tenants', token })).statusCode).toBe(200);
  });

  it('logs a tenant in as tenant-admin of that tenant only', async () => {
    const token = await t.tenantToken('acme', 'acme-password');
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ role: 'tenant-admin', tenant: 'acme' });
  });

  it.each([
    ['a wrong admin password', { password: 'not-the-password' }],
    ['a wrong tenant password', { tenant: 'acme', password: 'not-the-password' }],
    ['an unknown tenant', { tenant: 'nowhere', password: 'acme-password' }],
    ["a tenant's password without the tenant", { password: 'acme-password' }],
  ])('refuses %s with 401', async (_what, body) => {
    const response = await t.login(body, '10.0.0.1');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'unauthenticated', message: 'invalid credentials', details: [] } });
  });

  it('rate-limits failed logins per address, with Retry-After, until the window ends', async () => {
    const ip = '10.0.0.2';
    for (let i = 0; i < 5; i += 1) expect((await t.login({ password: 'wrong-password' }, ip)).statusCode).toBe(401);
    const limited = await t.login({ password: adminPassword }, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect((limited.json() as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await t.login({ password: adminPassword }, '10.0.0.3')).statusCode).toBe(200);

    t.clock.advance(30_000);
    expect((await t.login({ password: adminPassword }, ip)).headers['retry-after']).toBe('30');
    t.clock.advance(30_000);
    expect((await t.login({ password: adminPassword }, ip)).statusCode).toBe(200);
  });

  it('lets at most the allowed failures reach the password check when 300 logins arrive at once', async () => {
    const ip = '127.0.0.5';
    const wrong = Array.from({ length: 299 }, () => t.login({ password: 'wrong-password' }, ip));
    const responses = await Promise.all([...wrong, t.login({ password: adminPassword }, ip)]);
    const checked = responses.filter((response) => response.statusCode !== 429);
    expect(checked.map((response) => response.statusCode)).toEqual([401, 401, 401, 401, 401]);
    const limited = responses.filter((response) => response.statusCode === 429);
    expect(limited).toHaveLength(295);
    for (const response of limited) expect(response.headers['retry-after']).toBe('60');
    expect(responses.at(-1)?.statusCode).toBe(429);
  });

  it('does not count successful or malformed logins as failures', async () => {
    const ip = '10.0.0.4';
    for (let i = 0; i < 8; i += 1) expect((await t.login({ password: adminPassword }, ip)).statusCode).toBe(200);
    for (let i = 0; i < 8; i += 1) expect((await t.login({ password: '' }, ip)).statusCode).toBe(400);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a token that is not a JWT', 'Bearer not-a-token'],
    ['another scheme', `Basic ${Buffer.from('admin:x').toString('base64')}`],
    ['a token signed with another secret', `Bearer ${handMadeToken({ sub: 'admin', role: 'admin', gen: 1, iat: nowSeconds() }, 'y'.repeat(40))}`],
    ['an expired token', `Bearer ${handMadeToken({ sub: 'admin', role: 'admin', gen: 1, iat: nowSeconds() - 100, exp: nowSeconds() - 10 })}`],
    ['a token naming no known role', `Bearer ${handMadeToken({ sub: 'x', role: 'superuser', gen: 1, iat: nowSeconds() })}`],
    ['a token without a credential generation', `Bearer ${handMadeToken({ sub: 'admin', role: 'admin', iat: nowSeconds() })}`],
    ['a token of an older credential generation', `Bearer ${handMadeToken({ sub: 'admin', role: 'admin', gen: 0, iat: nowSeconds() })}`],
    ['a token of a tenant that does not exist', `Bearer ${handMadeToken({ sub: 'tenant-admin@nowhere', role: 'tenant-admin', tenant: 'nowhere', gen: 1, iat: nowSeconds() })}`],
    ['a token of a role no login gives', `Bearer ${handMadeToken({ sub: 'device-001122334455', role: 'device', gen: 1, iat: nowSeconds() })}`],
  ])('answers 401 to %s', async (_what, authorization) => {
    const response = await t.call({
      method: 'GET',
      url: '/api/v1/tenants',
      ...(authorization === undefined ? {} : { headers: { authorization } }),
    });
    expect(response.statusCode).toBe(401);
    const body = response.json() as { error: { code: string; message: string; details: string[] } };
    expect(body.error.code).toBe('unauthenticated');
    expect(body.error.details).toEqual([]);
  });

  it('accepts a hand-made token with the right secret (so the 401s above are about what they change)', async () => {
    const token = handMadeToken({ sub: 'admin', role: 'admin', gen: 1, iat: nowSeconds() });
    expect((await t.call({ method: 'GET', url: '/api/v1/tenants', token })).statusCode).toBe(200);
  });
});
