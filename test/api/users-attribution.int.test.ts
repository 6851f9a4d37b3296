// Issue 18's "who": two people of one tenant each open a DeviceLink, and the session records
// and the audit export name each person, not the tenant; an operator changes no configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient, listen } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';
import { tunnelIdOf } from './linked-hub.js';
import { createUser, userToken } from './users-fixture.js';

interface Session {
  readonly requestedBy: { readonly id: string; readonly role: string };
}
interface Line {
  readonly stream: string;
  readonly type: string;
  readonly metadata: { readonly actor: { readonly id: string; readonly role: string } };
}

describe('people of one tenant, each named', () => {
  let t: TestHub;
  let admin: string;
  let owner: string;
  let operator: string;
  let device: DeviceClient;
  const mac = '00:11:22:00:18:01';

  beforeAll(async () => {
    const from = 47000 + Math.floor(Math.random() * 390) * 10;
    t = await startTestHub({ deviceLink: { ports: { from, to: from + 9 }, bindAddress: '127.0.0.1' } });
    const url = await listen(t.hub);
    admin = await t.adminToken();
    for (const id of ['acme', 'globex']) await t.createTenant(admin, id);
    await createUser(t, admin, { id: 'olga', role: 'owner', tenants: ['acme'] });
    owner = await userToken(t, 'olga');
    // The owner makes the operator: an owner's own work, recorded as hers.
    await createUser(t, owner, { id: 'otto', role: 'operator', tenants: ['acme'] });
    operator = await userToken(t, 'otto');
    device = await DeviceClient.hello(url, mac);
    await device.expect('welcome');
    const assigned = await t.call({ method: 'POST', url: `/api/v1/devices/${mac}/assign`, token: admin, payload: { tenant: 'acme' } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    await device.expect('device-password');
  });
  afterAll(async () => {
    await device.close();
    await t.close();
  });

  it('records who opened each link: the session and the audit export name each person', async () => {
    const opened: Record<string, string> = {};
    for (const [who, token] of [['olga', owner], ['otto', operator]] as const) {
      const response = await t.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token, payload: { protocol: 'tcp', devicePort: 22 } });
      expect(response.statusCode, response.body).toBe(201);
      opened[who] = tunnelIdOf((response.json() as { token: string }).token);
    }
    const requestedBy = async (id: string | undefined): Promise<Session['requestedBy']> => {
      const response = await t.call({ method: 'GET', url: `/api/v1/sessions/${String(id)}`, token: admin });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as Session).requestedBy;
    };
    expect(await requestedBy(opened.olga)).toEqual({ id: 'user@olga', role: 'owner' });
    expect(await requestedBy(opened.otto)).toEqual({ id: 'user@otto', role: 'operator' });

    const exported = await t.call({ method: 'GET', url: '/api/v1/audit/events?category=tunnel', token: admin });
    expect(exported.statusCode, exported.body).toBe(200);
    const lines = exported.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
    const openedBy = (id: string | undefined): Line['metadata']['actor'] | undefined =>
      lines.find((line) => line.stream === `tunnel-${String(id)}` && line.type === 'TunnelOpened')?.metadata.actor;
    expect(openedBy(opened.olga)).toEqual({ id: 'user@olga', role: 'owner', tenants: ['acme'] });
    expect(openedBy(opened.otto)).toEqual({ id: 'user@otto', role: 'operator', tenants: ['acme'] });
    expect(JSON.stringify(lines)).not.toContain('tenant-admin@acme');

    // The account itself was made by the owner, and says so.
    const [created] = await t.hub.store.readStream('user-otto');
    expect(created?.metadata.actor.id).toBe('user@olga');
  });

  it('refuses an operator any change of a proxy, a grant or a device assignment (403), and appends nothing', async () => {
    const before = await t.head();
    const attempts = [
      { method: 'PUT', url: '/api/v1/proxies/web', payload: { enabled: false } },
      { method: 'PUT', url: '/api/v1/tenants/acme/grants/globex' },
      { method: 'DELETE', url: '/api/v1/tenants/acme/grants/globex' },
      { method: 'POST', url: `/api/v1/devices/${mac}/assign`, payload: { tenant: 'acme' } },
      { method: 'POST', url: `/api/v1/devices/${mac}/unassign` },
    ] as const;
    for (const attempt of attempts) {
      const response = await t.call({ ...attempt, token: operator });
      expect(response.statusCode, `${attempt.method} ${attempt.url}: ${response.body}`).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(await t.head()).toBe(before);
  });
});
