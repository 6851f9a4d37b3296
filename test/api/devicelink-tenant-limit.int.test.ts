// Issue 14, point 8: one tenant could take every DeviceLink port (98 links by one tenant-admin
// exhausted the range for all). A tenant holds at most its share of open links on a node: the
// next request gets 429 tenant_link_limit with nothing opened or appended, while other tenants
// still open theirs; closing one frees its place.
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { DeviceLinkConfig } from '../../api/devicelink-config.js';
import { DeviceClient, listen } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

let t: TestHub | undefined;
const devices: DeviceClient[] = [];

afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.close()));
  await t?.close();
  t = undefined;
});

/** A window of ports no other test file asks for, most likely. */
function portWindow(size: number): { from: number; to: number } {
  const from = 42000 + Math.floor(Math.random() * 390) * 10;
  return { from, to: from + size - 1 };
}

async function hubWithTwoTenants(deviceLink: DeviceLinkConfig): Promise<{ hub: TestHub; admin: string; acme: string; initech: string }> {
  const hub = await startTestHub({ deviceLink });
  t = hub;
  const url = await listen(hub.hub);
  const admin = await hub.adminToken();
  for (const [tenant, mac] of [['acme', '00:11:22:00:20:01'], ['initech', '00:11:22:00:20:02']] as const) {
    await hub.createTenant(admin, tenant);
    const client = await DeviceClient.hello(url, mac);
    devices.push(client);
    await client.expect('welcome');
    const assigned = await hub.call({ method: 'POST', url: `/api/v1/devices/${mac}/assign`, token: admin, payload: { tenant } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    await client.expect('device-password');
  }
  return { hub, admin, acme: await hub.tenantToken('acme', 'acme-password'), initech: await hub.tenantToken('initech', 'initech-password') };
}

const link = (hub: TestHub, mac: string, token: string): Promise<LightMyRequestResponse> =>
  hub.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token, payload: { protocol: 'tcp', devicePort: 22 } });

describe('DeviceLinks per tenant', () => {
  it('stop at the configured limit with 429 tenant_link_limit, however many arrive at once; other tenants still link', async () => {
    const { hub, acme, initech } = await hubWithTwoTenants({ ports: portWindow(10), bindAddress: '127.0.0.1', maxLinksPerTenant: 3 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => link(hub, '00:11:22:00:20:01', acme)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    const refused = answers.find((answer) => answer.statusCode === 429);
    expect((refused?.json() as { error: { code: string } }).error.code).toBe('tenant_link_limit');
    const opened = await hub.hub.store.readAll({ maxCount: 100_000 });
    expect(opened.filter((event) => event.type === 'TunnelOpened')).toHaveLength(3);

    expect((await link(hub, '00:11:22:00:20:02', initech)).statusCode).toBe(201);

    const { token } = answers.find((answer) => answer.statusCode === 201)?.json() as { token: string };
    const closed = await hub.call({ method: 'DELETE', url: `/api/v1/devicelink/${encodeURIComponent(token)}`, token: acme });
    expect(closed.statusCode, closed.body).toBe(204);
    expect((await link(hub, '00:11:22:00:20:01', acme)).statusCode).toBe(201);
  });

  it('default to a quarter of the port range for each tenant', async () => {
    const { hub, acme, initech } = await hubWithTwoTenants({ ports: portWindow(8), bindAddress: '127.0.0.1' });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push((await link(hub, '00:11:22:00:20:01', acme)).statusCode);
    expect(answers).toEqual([201, 201, 429]);
    expect((await link(hub, '00:11:22:00:20:02', initech)).statusCode).toBe(201);
  });
});
