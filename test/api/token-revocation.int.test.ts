// A token holds only while the credential it was issued for does: a password change or a
// disabled auditor voids it at once, over REST and socket.io, on every hub sharing the store.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub } from '../../api/hub.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { DashboardClient } from './dashboard-client.js';
import { startDashboardHub } from './dashboard-hub.js';
import type { DashboardHub } from './dashboard-hub.js';
import { adminPassword, tokenSecret } from './hub-harness.js';

const waitMs = 10_000;

function disconnected(client: DashboardClient): Promise<void> {
  if (!client.socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dashboard stayed connected for ${waitMs} ms`)), waitMs);
    client.socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('token revocation', () => {
  let t: DashboardHub;
  let second: Hub;
  let secondUrl: string;
  let admin: string;

  beforeAll(async () => {
    t = await startDashboardHub();
    second = await buildHub({ dataDir: t.dataDir, nodeId: 'second', tokenSecret, adminPassword, clock: t.clock, logLevel: 'silent' });
    await second.app.listen({ port: 0, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${(second.app.server.address() as AddressInfo).port}/dashboard`;
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme', 'acme-password');
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  const onSecond = (url: string, token: string) => second.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it("voids a tenant's tokens when its password changes, on every hub, and drops its live dashboards", async () => {
    const old = await t.tenantToken('acme', 'acme-password');
    const here = await t.dashboard(old);
    const there = await DashboardClient.connect(secondUrl, old);
    try {
      expect((await onSecond('/api/v1/tenants/acme', old)).statusCode).toBe(200);
      const changed = await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/password', token: admin, payload: { password: 'acme-password-2' } });
      expect(changed.statusCode).toBe(200);

      for (const response of [await t.call({ method: 'GET', url: '/api/v1/tenants/acme', token: old }), await onSecond('/api/v1/tenants/acme', old)]) {
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ error: { code: 'unauthenticated', message: 'the token was revoked: log in again' } });
      }
      await Promise.all([disconnected(here), disconnected(there)]);
      await expect(DashboardClient.connect(secondUrl, old)).rejects.toThrow(/revoked/);

      const renewed = await t.tenantToken('acme', 'acme-password-2');
      expect((await onSecond('/api/v1/tenants/acme', renewed)).statusCode).toBe(200);
      const again = await DashboardClient.connect(secondUrl, renewed);
      again.close();
      expect((await t.call({ method: 'GET', url: '/api/v1/tenants', token: admin })).statusCode).toBe(200);
    } finally {
      here.close();
      there.close();
    }
  });

  it("voids a tenant-admin's own token when it changes its password itself", async () => {
    await t.createTenant(admin, 'globex', 'globex-password');
    const own = await t.tenantToken('globex', 'globex-password');
    const changed = await t.call({ method: 'PUT', url: '/api/v1/tenants/globex/password', token: own, payload: { password: 'globex-password-2' } });
    expect(changed.statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: '/api/v1/tenants/globex', token: own })).statusCode).toBe(401);
  });

  it("voids a disabled auditor's tokens and one of an older password, and drops its dashboards", async () => {
    await createAuditor(t, admin, 'leaving');
    const token = await auditorToken(t, 'leaving');
    const dashboard = await DashboardClient.connect(secondUrl, token);
    try {
      expect((await onSecond('/api/v1/devices', token)).statusCode).toBe(200);
      expect((await t.call({ method: 'DELETE', url: '/api/v1/auditors/leaving', token: admin })).statusCode).toBe(204);
      expect((await onSecond('/api/v1/devices', token)).statusCode).toBe(401);
      expect((await t.call({ method: 'GET', url: '/api/v1/devices', token })).statusCode).toBe(401);
      await disconnected(dashboard);
    } finally {
      dashboard.close();
    }

    await createAuditor(t, admin, 'staying');
    const before = await auditorToken(t, 'staying');
    const changed = await t.call({ method: 'PUT', url: '/api/v1/auditors/staying/password', token: admin, payload: { password: 'a-new-auditor-password' } });
    expect(changed.statusCode).toBe(200);
    expect((await onSecond('/api/v1/devices', before)).statusCode).toBe(401);
    expect((await onSecond('/api/v1/devices', await auditorToken(t, 'staying', 'a-new-auditor-password'))).statusCode).toBe(200);
  });
});
