// An auditor changes nothing: every command route of the app answers 403. The routes are
// read from the app itself, so a route added later is covered without touching this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { Devices } from './devices-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface Route {
  readonly method: string;
  readonly url: string;
}

/** Parses fastify's printRoutes() tree: each level indents by four characters and extends its parent's path. */
function routesOf(tree: string): Route[] {
  const path: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    path.length = (match[1] ?? '').length / 4;
    path.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) routes.push({ method, url: path.join('') });
  }
  return routes;
}

// Routes anyone may call, token or not: an auditor's token changes nothing there.
// rsstatus is the relays': their token is the credential, and a bearer token counts for nothing there.
const publicCommands = new Set(['POST /api/v1/auth/login', 'POST /remote/rsstatus']);
const reads = new Set(['GET', 'HEAD', 'OPTIONS']);

describe('auditors are read-only', () => {
  let t: TestHub;
  let commands: Route[];
  let codeId: string;
  const mac = '00:11:22:33:44:55';

  beforeAll(async () => {
    t = await startTestHub();
    const admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
    await t.createTenant(admin, 'globex');
    await createAuditor(t, admin, 'alice');
    await createAuditor(t, admin, 'scoped', ['acme']);
    await new Devices(t.hub).add({ mac, tenant: 'acme' });
    const issued = await t.call({ method: 'POST', url: '/api/v1/tenants/acme/provisioning-codes', token: admin, payload: {} });
    codeId = (issued.json() as { codeId: string }).codeId;
    commands = routesOf(t.hub.app.printRoutes({ commonPrefix: false })).filter(
      (route) => !reads.has(route.method) && !publicCommands.has(`${route.method} ${route.url}`),
    );
  });
  afterAll(async () => t.close());

  it('finds the command routes of the app', () => {
    const names = commands.map((route) => `${route.method} ${route.url}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/v1/tenants',
        'PUT /api/v1/tenants/:id/password',
        'PUT /api/v1/tenants/:id/password-deployment',
        'PUT /api/v1/tenants/:id/grants/:grantedId',
        'DELETE /api/v1/tenants/:id/grants/:grantedId',
        'POST /api/v1/tenants/:id/provisioning-codes',
        'DELETE /api/v1/tenants/:id/provisioning-codes/:codeId',
        'POST /api/v1/devices/:mac/assign',
        'POST /api/v1/devices/:mac/unassign',
        'POST /api/v1/auditors',
        'PUT /api/v1/auditors/:id/password',
        'DELETE /api/v1/auditors/:id',
      ]),
    );
  });

  // Real targets and a body most routes would accept: only the permission check stands in the way.
  const urlOf = (route: Route): string =>
    route.url.replace(/:(\w+)/g, (_, name: string) => {
      if (name === 'mac') return mac;
      if (name === 'codeId') return codeId;
      if (name === 'grantedId') return 'globex';
      return route.url.startsWith('/api/v1/auditors') ? 'alice' : 'acme';
    });
  const body = { id: 'zeta', name: 'Zeta', password: 'zeta-password-1', tenant: 'globex', enabled: false, maxUses: 1 };

  it.each(['alice', 'scoped'])('answers 403 to auditor %s on every command route, and appends nothing', async (id) => {
    const token = await auditorToken(t, id);
    const head = await t.head();
    const answers = [];
    for (const route of commands) {
      const response = await t.call({ method: route.method as 'POST', url: urlOf(route), token, payload: body });
      answers.push({ route: `${route.method} ${route.url}`, status: response.statusCode, code: (response.json() as { error?: { code: string } }).error?.code });
    }
    expect(answers.filter((a) => a.status !== 403 || a.code !== 'forbidden')).toEqual([]);
    expect(await t.head()).toBe(head);
  });

  it('would let the admin through the same requests (the targets are real)', async () => {
    const admin = await t.adminToken();
    const grant = commands.find((route) => route.method === 'PUT' && route.url.endsWith('/grants/:grantedId'));
    expect(grant).toBeDefined();
    if (grant === undefined) return;
    expect((await t.call({ method: 'PUT', url: urlOf(grant), token: admin, payload: body })).statusCode).toBe(200);
  });
});
