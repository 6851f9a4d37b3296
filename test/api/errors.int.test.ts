// Every refusal has the one error shape, the right status, and appends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface ErrorShape {
  readonly error: { readonly code: string; readonly message: string; readonly details: readonly string[] };
}

describe('error responses', () => {
  let t: TestHub;
  let admin: string;
  let acme: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme', 'acme-password');
    await t.createTenant(admin, 'globex', 'globex-password');
    acme = await t.tenantToken('acme', 'acme-password');
    await createAuditor(t, admin, 'auditor-1');
    auditor = await auditorToken(t, 'auditor-1');
  });
  afterAll(async () => t.close());

  const cases: readonly {
    readonly name: string;
    readonly request: () => Parameters<TestHub['call']>[0];
    readonly status: number;
    readonly code: string;
    readonly details?: readonly string[];
  }[] = [
    {
      name: 'a body missing fields',
      request: () => ({ method: 'POST', url: '/api/v1/tenants', token: admin, payload: { id: 'initech' } }),
      status: 400,
      code: 'validation_failed',
      details: ['body.name', 'body.password'],
    },
    {
      name: 'a malformed tenant id and a short password',
      request: () => ({ method: 'POST', url: '/api/v1/tenants', token: admin, payload: { id: 'Not An Id', name: 'x', password: 'short' } }),
      status: 400,
      code: 'validation_failed',
      details: ['body.id', 'body.password'],
    },
    {
      name: 'a body that is not JSON',
      request: () => ({
        method: 'POST',
        url: '/api/v1/tenants',
        token: admin,
        headers: { 'content-type': 'application/json' },
        payload: '{"id": "initech",',
      }),
      status: 400,
      code: 'validation_failed',
      details: ['body'],
    },
    {
      name: 'a body that is not JSON at all (content type)',
      request: () => ({
        method: 'POST',
        url: '/api/v1/tenants',
        token: admin,
        headers: { 'content-type': 'application/xml' },
        payload: '<tenant/>',
      }),
      status: 400,
      code: 'validation_failed',
      details: ['headers.content-type'],
    },
    {
      name: 'a body over 1 MB',
      request: () => ({
        method: 'POST',
        url: '/api/v1/tenants',
        token: admin,
        payload: { id: 'initech', name: 'Initech', password: 'x'.repeat(1024 * 1024) },
      }),
      status: 413,
      code: 'payload_too_large',
      details: ['body'],
    },
    {
      name: 'a bad page limit',
      request: () => ({ method: 'GET', url: '/api/v1/tenants?limit=0', token: admin }),
      status: 400,
      code: 'validation_failed',
      details: ['query.limit'],
    },
    {
      name: 'a bad tenant id in the path',
      request: () => ({ method: 'GET', url: '/api/v1/tenants/NOPE_', token: admin }),
      status: 400,
      code: 'validation_failed',
      details: ['params.id'],
    },
    {
      name: 'a URL with malformed percent-encoding',
      request: () => ({ method: 'GET', url: '/api/v1/tenants/%zz', token: admin }),
      status: 400,
      code: 'validation_failed',
      details: ['url'],
    },
    {
      name: 'a path parameter over 100 characters',
      request: () => ({ method: 'POST', url: `/api/v1/relays/${'r'.repeat(101)}/approve`, token: admin }),
      status: 400,
      code: 'validation_failed',
      details: ['params'],
    },
    {
      name: 'granting a tenant to itself',
      request: () => ({ method: 'PUT', url: '/api/v1/tenants/acme/grants/acme', token: admin }),
      status: 400,
      code: 'validation_failed',
      details: ['params.grantedId'],
    },
    {
      name: 'a request without a token',
      request: () => ({ method: 'POST', url: '/api/v1/tenants', payload: { id: 'initech', name: 'Initech', password: 'initech-pw' } }),
      status: 401,
      code: 'unauthenticated',
    },
    {
      name: 'a tenant-admin creating a tenant',
      request: () => ({ method: 'POST', url: '/api/v1/tenants', token: acme, payload: { id: 'initech', name: 'Initech', password: 'initech-pw' } }),
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'a tenant-admin granting access',
      request: () => ({ method: 'PUT', url: '/api/v1/tenants/acme/grants/globex', token: acme }),
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'an auditor changing a password',
      request: () => ({ method: 'PUT', url: '/api/v1/tenants/acme/password', token: auditor, payload: { password: 'new-password' } }),
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'an auditor creating a tenant',
      request: () => ({ method: 'POST', url: '/api/v1/tenants', token: auditor, payload: { id: 'initech', name: 'Initech', password: 'initech-pw' } }),
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'an unknown tenant',
      request: () => ({ method: 'GET', url: '/api/v1/tenants/initech', token: admin }),
      status: 404,
      code: 'not_found',
      details: ['params.id'],
    },
    {
      name: 'a password change of an unknown tenant',
      request: () => ({ method: 'PUT', url: '/api/v1/tenants/initech/password', token: admin, payload: { password: 'new-password' } }),
      status: 404,
      code: 'not_found',
      details: ['params.id'],
    },
    {
      name: 'a grant of an unknown tenant',
      request: () => ({ method: 'PUT', url: '/api/v1/tenants/acme/grants/initech', token: admin }),
      status: 404,
      code: 'not_found',
      details: ['params.grantedId'],
    },
    {
      name: 'a revoke on an unknown tenant',
      request: () => ({ method: 'DELETE', url: '/api/v1/tenants/initech/grants/acme', token: admin }),
      status: 404,
      code: 'not_found',
      details: ['params.id'],
    },
    {
      name: 'an unknown route',
      request: () => ({ method: 'GET', url: '/api/v1/nothing-here', token: admin }),
      status: 404,
      code: 'not_found',
    },
    {
      name: 'a tenant that already exists',
      request: () => ({ method: 'POST', url: '/api/v1/tenants', token: admin, payload: { id: 'acme', name: 'Acme again', password: 'acme-password-2' } }),
      status: 409,
      code: 'already_exists',
    },
  ];

  it.each(cases)('answers $status/$code to $name and appends nothing', async ({ request, status, code, details }) => {
    const before = await t.head();
    const response = await t.call(request());
    expect(response.statusCode, response.body).toBe(status);
    const body = response.json() as ErrorShape;
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(Array.isArray(body.error.details)).toBe(true);
    if (details) expect(body.error.details).toEqual(details);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.head()).toBe(before);
  });

  it('never echoes a rejected password', async () => {
    const response = await t.call({
      method: 'POST',
      url: '/api/v1/tenants',
      token: admin,
      payload: { id: 'initech', name: 'Initech', password: 'sh0rt' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('sh0rt');
  });

  it('never echoes a URL it cannot route (it may hold a DeviceLink close token)', async () => {
    const token = 'close-token-0123456789abcdef';
    for (const url of [`/api/v1/devicelink/${token}%zz`, `/api/v1/devicelink/${token}${'x'.repeat(100)}`]) {
      const response = await t.call({ method: 'DELETE', url, token: admin });
      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain(token);
    }
  });

  it('lets an auditor read every tenant', async () => {
    const response = await t.call({ method: 'GET', url: '/api/v1/tenants', token: auditor });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { items: { id: string }[] }).items.map((item) => item.id)).toEqual(['acme', 'globex']);
  });
});
