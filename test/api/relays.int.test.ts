// The relay admin API: the list with the seed's properties, approval, token reset (recorded, so
// a replaced machine registers with a new token), deletion, ?at= time travel, who may do what,
// and relay.changed on the dashboard for those who see every tenant.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardMessage } from '../../api/dashboard.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { DashboardClient } from './dashboard-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

let t: TestHub;
let admin: string;
let tenantAdmin: string;
let auditor: string;
let dashboardUrl: string;
const clients: DashboardClient[] = [];

const register = async (name: string, token: string): Promise<string> => {
  const response = await t.call({
    method: 'POST',
    url: '/remote/rsstatus',
    payload: { type: 'register', name, hostName: '127.0.0.1', port: 7070, maxSessions: 3, token, description: `relay ${name}` },
  });
  return (response.json() as { result: string; reason: string }).reason;
};

const get = (url: string, token = admin) => t.call({ method: 'GET', url, token });
const post = (url: string, token = admin) => t.call({ method: 'POST', url, token });

beforeAll(async () => {
  t = await startTestHub();
  await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
  dashboardUrl = `http://127.0.0.1:${(t.hub.app.server.address() as AddressInfo).port}/dashboard`;
  admin = await t.adminToken();
  await t.createTenant(admin, 'acme');
  tenantAdmin = await t.tenantToken('acme', 'acme-password');
  await createAuditor(t, admin, 'all-seeing');
  auditor = await auditorToken(t, 'all-seeing');
});

afterAll(async () => {
  clients.forEach((client) => client.close());
  await t.close();
});

describe('GET /api/v1/relays', () => {
  it('lists registered relays by name with the seed properties and whether they are connected here', async () => {
    expect(await register('beta', 'token-beta')).toBe('pending-approval');
    expect(await register('alpha', 'token-alpha')).toBe('pending-approval');
    await t.hub.readModels.waitFor(await t.head(), 5000);
    const response = await get('/api/v1/relays');
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as { items: { name: string }[]; next: string | null };
    expect(page.items.map((relay) => relay.name)).toEqual(['alpha', 'beta']);
    expect(page.items[0]).toMatchObject({
      name: 'alpha',
      description: 'relay alpha',
      hostName: '127.0.0.1',
      port: 7070,
      maxSessions: 3,
      currentNumberOfSessions: 0,
      isReporting: true,
      approved: false,
      connected: false,
      liveSessions: 0,
    });
    const first = (await get('/api/v1/relays?limit=1')).json() as { items: { name: string }[]; next: string | null };
    expect(first).toMatchObject({ items: [{ name: 'alpha' }], next: 'alpha' });
    expect(((await get('/api/v1/relays?after=alpha')).json() as { items: { name: string }[] }).items.map((r) => r.name)).toEqual(['beta']);
  });

  it('is for admins and auditors, not tenant-admins', async () => {
    expect((await get('/api/v1/relays', auditor)).statusCode).toBe(200);
    expect((await get('/api/v1/relays', tenantAdmin)).statusCode).toBe(403);
    expect((await post('/api/v1/relays/alpha/approve', auditor)).statusCode).toBe(403);
    expect((await post('/api/v1/relays/alpha/approve', tenantAdmin)).statusCode).toBe(403);
    expect((await t.call({ method: 'GET', url: '/api/v1/relays' })).statusCode).toBe(401);
  });
});

describe('approve, reset-token, delete', () => {
  it('approves a relay, which relay.changed tells dashboards of every tenant, not tenant ones', async () => {
    const [all, acme] = await Promise.all([DashboardClient.connect(dashboardUrl, admin), DashboardClient.connect(dashboardUrl, tenantAdmin)]);
    clients.push(all, acme);
    const snapshot = await all.subscribe({ models: ['relays'] });
    expect(snapshot).toMatchObject({ ok: true });
    expect(all.snapshots().flatMap((part) => part.items as { name: string }[]).map((relay) => relay.name)).toEqual(['alpha', 'beta']);
    expect(await acme.subscribe({ models: ['relays', 'tenants'] })).toMatchObject({ ok: true });
    expect(acme.snapshots().filter((part) => part.model === 'relays').flatMap((part) => part.items)).toEqual([]);

    const response = await post('/api/v1/relays/alpha/approve');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ name: 'alpha', approved: true, approvedVia: 'admin' });
    const changed = await all.waitFor('alpha approved', (received) => received.event === 'relay.changed');
    expect((changed.message as DashboardMessage).payload).toMatchObject({ name: 'alpha', approved: true });
    // A later change of acme reaches acme's dashboard after the relay's would have.
    const password = await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/password', token: admin, payload: { password: 'acme-password' } });
    expect(password.statusCode, password.body).toBe(200);
    await acme.waitFor('acme changed', (received) => received.event === 'tenant.changed');
    expect(acme.changes().filter((received) => received.event === 'relay.changed')).toEqual([]);
  });

  it('resets a token: the stored one is forgotten, approval with it, and a new token registers', async () => {
    expect(await register('alpha', 'token-of-the-new-machine')).toBe('token-mismatch');
    const reset = await post('/api/v1/relays/alpha/reset-token');
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ approved: false, hasToken: false });
    expect(await register('alpha', 'token-of-the-new-machine')).toBe('pending-approval');
    expect(await register('alpha', 'token-alpha')).toBe('token-mismatch');
    const events = await t.hub.store.readStream('relay-alpha', { fromRevision: 0, maxCount: 100 });
    expect(events.map((event) => event.type)).toContain('RelayTokenReset');
  });

  it('deletes a relay: it leaves the list, and registers afresh later', async () => {
    expect((await t.call({ method: 'DELETE', url: '/api/v1/relays/beta', token: admin })).statusCode).toBe(204);
    const names = ((await get('/api/v1/relays')).json() as { items: { name: string }[] }).items.map((relay) => relay.name);
    expect(names).toEqual(['alpha']);
    expect(((await get('/api/v1/relays?deleted=true')).json() as { items: { name: string }[] }).items.map((r) => r.name)).toEqual(['alpha', 'beta']);
    expect((await t.call({ method: 'DELETE', url: '/api/v1/relays/beta', token: admin })).statusCode).toBe(404);
    expect(await register('beta', 'a-new-token-for-beta')).toBe('pending-approval');
  });

  it('answers 404 for an unknown relay', async () => {
    expect((await get('/api/v1/relays/nope')).statusCode).toBe(404);
    expect((await post('/api/v1/relays/nope/approve')).statusCode).toBe(404);
    expect((await post('/api/v1/relays/no%20such/reset-token')).statusCode).toBe(404);
  });
});

describe('GET /api/v1/relays/:name?at=', () => {
  it('shows a relay as it was at a moment, for those who may read history', async () => {
    const before = t.clock.now().toISOString();
    t.clock.advance(60_000);
    expect(await register('gamma', 'token-gamma')).toBe('pending-approval');
    t.clock.advance(60_000);
    const approvedAt = t.clock.now().toISOString();
    expect((await post('/api/v1/relays/gamma/approve')).statusCode).toBe(200);
    t.clock.advance(60_000);
    expect((await get(`/api/v1/relays/gamma?at=${before}`)).statusCode).toBe(404);
    const then = await get(`/api/v1/relays/gamma?at=${encodeURIComponent(approvedAt)}`);
    expect(then.statusCode, then.body).toBe(200);
    expect(then.json()).toMatchObject({ name: 'gamma', approved: true });
    const earlier = await get(`/api/v1/relays/gamma?at=${encodeURIComponent(new Date(Date.parse(approvedAt) - 1).toISOString())}`);
    expect(earlier.json()).toMatchObject({ name: 'gamma', approved: false });
    expect((await get(`/api/v1/relays/gamma?at=${encodeURIComponent(approvedAt)}`, auditor)).statusCode).toBe(200);
    expect((await get('/api/v1/relays/gamma?at=yesterday')).statusCode).toBe(400);
  });
});
