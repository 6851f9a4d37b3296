// Every route the hub serves, as fastify lists it (api/plugins/route-list.ts), against every
// kind of caller: each route has its (resource, action) entry below, and answers 403 exactly to
// the roles the permission table (api/permissions.ts) does not grant it, 401 to no token.
// A route added without an entry here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '../../api/permissions.js';
import { can } from '../../api/permissions.js';
import type { Role } from '../../domain/principal.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';
import { createUser, userToken } from './users-fixture.js';

/** `public`: no token wanted; `own-auth`: a caller that is no person (a relay), with its own credentials. */
type Expected = Permission | 'public' | 'own-auth';

const p = (resource: Permission['resource'], action: Permission['action']): Permission => ({ resource, action });

const expected: Readonly<Record<string, Expected>> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /docs': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/*': 'public',
  'POST /remote/rsstatus': 'own-auth',
  'POST /api/v1/auth/login': 'public',
  'PUT /api/v1/admin/password': p('adminPassword', 'update'),
  'POST /api/v1/tenants': p('tenant', 'create'),
  'GET /api/v1/tenants': p('tenant', 'read'),
  'GET /api/v1/tenants/:id': p('tenant', 'read'),
  'PUT /api/v1/tenants/:id/password': p('tenantPassword', 'update'),
  'PUT /api/v1/tenants/:id/password-deployment': p('tenantPassword', 'update'),
  'PUT /api/v1/tenants/:id/grants/:grantedId': p('tenantGrant', 'create'),
  'DELETE /api/v1/tenants/:id/grants/:grantedId': p('tenantGrant', 'delete'),
  'POST /api/v1/tenants/:id/provisioning-codes': p('provisioningCode', 'create'),
  'GET /api/v1/tenants/:id/provisioning-codes': p('provisioningCode', 'read'),
  'DELETE /api/v1/tenants/:id/provisioning-codes/:codeId': p('provisioningCode', 'delete'),
  'GET /api/v1/devices': p('device', 'read'),
  'GET /api/v1/devices/:mac': p('device', 'read'),
  'PATCH /api/v1/devices/:mac': p('device', 'update'),
  'POST /api/v1/devices/:mac/assign': p('device', 'update'),
  'POST /api/v1/devices/:mac/unassign': p('device', 'update'),
  'POST /api/v1/devices/:mac/restore': p('restore', 'create'),
  'GET /api/v1/devices/:mac/protocol-apps': p('protocolApp', 'read'),
  'PUT /api/v1/devices/:mac/protocol-apps/:id': p('protocolAppAssignment', 'update'),
  'DELETE /api/v1/devices/:mac/protocol-apps/:id': p('protocolAppAssignment', 'update'),
  'POST /api/v1/devices/:mac/protocol-apps/:id/connect': p('protocolAppConnection', 'create'),
  'POST /api/v1/devices/:mac/protocol-apps/:id/disconnect': p('protocolAppConnection', 'delete'),
  'POST /api/v1/devicelink/:deviceIdentifier': p('deviceLink', 'create'),
  'DELETE /api/v1/devicelink/:deviceLinkToken': p('deviceLink', 'delete'),
  'GET /api/v1/sessions': p('session', 'read'),
  'GET /api/v1/sessions/:id': p('session', 'read'),
  'GET /api/v1/sessions/:id/timeline': p('session', 'read'),
  'GET /api/v1/audit/events': p('history', 'read'),
  'GET /api/v1/audit/verify': p('history', 'read'),
  'POST /api/v1/auditors': p('auditor', 'create'),
  'GET /api/v1/auditors': p('auditor', 'read'),
  'GET /api/v1/auditors/:id': p('auditor', 'read'),
  'PUT /api/v1/auditors/:id/password': p('auditor', 'update'),
  'DELETE /api/v1/auditors/:id': p('auditor', 'delete'),
  'POST /api/v1/users': p('user', 'create'),
  'GET /api/v1/users': p('user', 'read'),
  'GET /api/v1/users/:id': p('user', 'read'),
  // Someone else's: one's own goes by (ownPassword, update), tested in users.int.test.ts.
  'PUT /api/v1/users/:id/password': p('user', 'update'),
  'POST /api/v1/users/:id/disable': p('user', 'update'),
  'POST /api/v1/users/:id/enable': p('user', 'update'),
  'DELETE /api/v1/users/:id': p('user', 'delete'),
  'GET /api/v1/catalog/:kind': p('catalog', 'read'),
  'PUT /api/v1/catalog/:kind': p('catalog', 'update'),
  'POST /api/v1/update-jobs': p('updateJob', 'create'),
  'GET /api/v1/update-jobs': p('updateJob', 'read'),
  'GET /api/v1/update-jobs/:id': p('updateJob', 'read'),
  'POST /api/v1/update-jobs/:id/pause': p('updateJob', 'update'),
  'POST /api/v1/update-jobs/:id/resume': p('updateJob', 'update'),
  'POST /api/v1/update-jobs/:id/retry': p('updateJob', 'update'),
  'POST /api/v1/update-jobs/:id/cancel': p('updateJob', 'update'),
  'POST /api/v1/backup-jobs': p('backupJob', 'create'),
  'GET /api/v1/backup-jobs': p('backupJob', 'read'),
  'GET /api/v1/backup-jobs/:id': p('backupJob', 'read'),
  'POST /api/v1/backup-jobs/:id/pause': p('backupJob', 'update'),
  'POST /api/v1/backup-jobs/:id/resume': p('backupJob', 'update'),
  'POST /api/v1/backup-jobs/:id/retry': p('backupJob', 'update'),
  'POST /api/v1/backup-jobs/:id/cancel': p('backupJob', 'update'),
  'GET /api/v1/relays': p('relay', 'read'),
  'GET /api/v1/relays/:name': p('relay', 'read'),
  'DELETE /api/v1/relays/:name': p('relay', 'delete'),
  'POST /api/v1/relays/:name/approve': p('relay', 'update'),
  'POST /api/v1/relays/:name/reset-token': p('relay', 'update'),
  'GET /api/v1/proxies': p('proxy', 'read'),
  'POST /api/v1/proxies': p('proxy', 'create'),
  'POST /api/v1/proxies/remove': p('proxy', 'delete'),
  'GET /api/v1/proxies/:id': p('proxy', 'read'),
  'PUT /api/v1/proxies/:id': p('proxy', 'update'),
  'DELETE /api/v1/proxies/:id': p('proxy', 'delete'),
  'POST /api/v1/proxies/:id/enable': p('proxy', 'update'),
  'POST /api/v1/proxies/:id/disable': p('proxy', 'update'),
  'GET /api/v1/protocol-apps': p('protocolApp', 'read'),
  'POST /api/v1/protocol-apps': p('protocolApp', 'create'),
  // Where a template may point: asked while writing one.
  'GET /api/v1/protocol-apps/target-endpoints': p('protocolApp', 'create'),
  'GET /api/v1/protocol-apps/:id': p('protocolApp', 'read'),
  'PUT /api/v1/protocol-apps/:id': p('protocolApp', 'update'),
  'DELETE /api/v1/protocol-apps/:id': p('protocolApp', 'delete'),
  'GET /api/v1/hub/address': p('hubAddress', 'read'),
  'PUT /api/v1/hub/address': p('hubAddress', 'update'),
};

/** A value each path parameter accepts, so a request reaches the permission check. */
const sampleParams: Readonly<Record<string, string>> = {
  mac: '00:11:22:33:44:55',
  deviceIdentifier: '00:11:22:33:44:55',
  kind: 'firmware',
};
const concreteUrl = (url: string): string => url.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(sampleParams[name] ?? 'sample')).replace('*', 'x.js');

interface Caller {
  readonly name: string;
  /** Undefined: no token at all. */
  readonly role?: Role;
  token?: string;
}

describe('every route × every role', () => {
  let t: TestHub;
  const callers: Caller[] = [
    { name: 'admin', role: 'admin' },
    { name: 'owner', role: 'owner' },
    { name: 'operator', role: 'operator' },
    { name: 'auditor', role: 'auditor' },
    { name: 'tenant password', role: 'tenant-admin' },
    { name: 'anonymous' },
  ];
  const routes = (): string[] =>
    // HEAD answers as GET does: fastify adds it for each GET.
    t.hub.app.routeList.filter((route) => route.method !== 'HEAD').map((route) => `${route.method} ${route.url}`);

  beforeAll(async () => {
    t = await startTestHub();
    const admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
    await createUser(t, admin, { id: 'olga', role: 'owner', tenants: ['acme'] });
    await createUser(t, admin, { id: 'otto', role: 'operator', tenants: ['acme'] });
    await createAuditor(t, admin, 'ada');
    const tokens: Record<string, string> = {
      admin,
      owner: await userToken(t, 'olga'),
      operator: await userToken(t, 'otto'),
      auditor: await auditorToken(t, 'ada'),
      'tenant password': await t.tenantToken('acme', 'acme-password'),
    };
    for (const caller of callers) caller.token = tokens[caller.name];
  });
  afterAll(async () => t.close());

  it('has an entry for every route the app serves, and a route for every entry', () => {
    const served = routes();
    expect(served.filter((route) => expected[route] === undefined)).toEqual([]);
    expect(Object.keys(expected).filter((route) => !served.includes(route))).toEqual([]);
  });

  it.each(callers.map((caller) => [caller.name, caller] as const))('answers %s as the permission table says', async (_, caller) => {
    const wrong: string[] = [];
    for (const route of routes()) {
      const entry = expected[route];
      if (entry === undefined || entry === 'public' || entry === 'own-auth') continue;
      const [method = 'GET', url = ''] = route.split(' ');
      const response = await t.call({
        method: method as 'GET',
        url: concreteUrl(url),
        ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
        ...(caller.token === undefined ? {} : { token: caller.token }),
      });
      const allowed = caller.role !== undefined && can({ id: caller.name, role: caller.role }, entry.resource, entry.action);
      const want = caller.role === undefined ? 'a 401' : allowed ? 'neither 401 nor 403' : 'a 403';
      const ok = caller.role === undefined ? response.statusCode === 401 : allowed ? ![401, 403].includes(response.statusCode) : response.statusCode === 403;
      if (!ok) wrong.push(`${route}: ${response.statusCode} ${response.body.slice(0, 120)}, want ${want}`);
    }
    expect(wrong).toEqual([]);
  });

  // Stated apart from the table, so a grant added there by mistake fails here.
  it.each([
    ['operator', ['deviceLink', 'protocolAppConnection']],
    ['auditor', []],
  ] as const)('lets an %s write nothing but %j', async (name, writable) => {
    const token = callers.find((caller) => caller.name === name)?.token;
    const writes = routes().filter((route) => !route.startsWith('GET ') && expected[route] !== 'public' && expected[route] !== 'own-auth');
    const answered: string[] = [];
    for (const route of writes) {
      const entry = expected[route];
      if (typeof entry === 'object' && (writable as readonly string[]).includes(entry.resource)) continue;
      const [method = 'POST', url = ''] = route.split(' ');
      const response = await t.call({ method: method as 'POST', url: concreteUrl(url), payload: {}, ...(token === undefined ? {} : { token }) });
      if (response.statusCode !== 403) answered.push(`${route}: ${response.statusCode}`);
    }
    expect(answered).toEqual([]);
  });

  it('answers public routes without a token', async () => {
    for (const route of routes().filter((r) => expected[r] === 'public')) {
      const [method = 'GET', url = ''] = route.split(' ');
      const response = await t.call({ method: method as 'GET', url: concreteUrl(url), ...(method === 'POST' ? { payload: {} } : {}) });
      expect([401, 403], `${route}: ${response.statusCode}`).not.toContain(response.statusCode);
    }
  });
});
