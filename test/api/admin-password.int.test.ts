// The instance admin changes its own password; every token issued before is void at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startDashboardHub } from './dashboard-hub.js';
import type { DashboardHub } from './dashboard-hub.js';
import { adminPassword } from './hub-harness.js';

describe('PUT /api/v1/admin/password', () => {
  let t: DashboardHub;

  beforeAll(async () => {
    t = await startDashboardHub();
  });
  afterAll(async () => t.close());

  const change = (token: string, payload: Record<string, unknown>) => t.call({ method: 'PUT', url: '/api/v1/admin/password', token, payload });

  it('refuses other roles and bad passwords, appending nothing', async () => {
    const admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
    await createAuditor(t, admin, 'eve');
    const before = await t.head();
    expect((await change(await t.tenantToken('acme', 'acme-password'), { password: 'a-new-admin-password' })).statusCode).toBe(403);
    expect((await change(await auditorToken(t, 'eve'), { password: 'a-new-admin-password' })).statusCode).toBe(403);
    const short = await change(admin, { password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: { code: 'validation_failed', details: ['body.password'] } });
    expect((await t.call({ method: 'PUT', url: '/api/v1/admin/password', payload: { password: 'a-new-admin-password' } })).statusCode).toBe(401);
    expect(await t.head()).toBe(before);
    expect((await t.login({ password: adminPassword })).statusCode).toBe(200);
  });

  it('changes it: the old password and every earlier token stop working, dashboards included; the new one works', async () => {
    const first = await t.adminToken();
    const second = await t.adminToken();
    const dashboard = await t.dashboard(second);
    const gone = new Promise<void>((resolve) => dashboard.socket.once('disconnect', () => resolve()));

    const changed = await change(first, { password: 'a-new-admin-password' });
    expect(changed.statusCode).toBe(204);
    for (const token of [first, second]) expect((await t.call({ method: 'GET', url: '/api/v1/tenants', token })).statusCode).toBe(401);
    await gone;
    expect((await t.login({ password: adminPassword }, '127.0.0.9')).statusCode).toBe(401);
    const renewed = (await t.login({ password: 'a-new-admin-password' })).json<{ token: string }>().token;
    expect((await t.call({ method: 'GET', url: '/api/v1/tenants', token: renewed })).statusCode).toBe(200);

    const audit = await t.call({ method: 'GET', url: '/api/v1/audit/events?type=AdminPasswordSet', token: renewed });
    const lines = audit.body.trimEnd().split('\n').map((line) => JSON.parse(line) as { data: unknown; metadata: { actor: unknown; correlationId: string } });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ data: { passwordHash: '[redacted]' }, metadata: { actor: { id: 'admin', role: 'admin' }, correlationId: changed.headers['x-request-id'] } });
  });
});
