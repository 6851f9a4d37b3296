// A DeviceLink port is reserved before the link is recorded: if the record cannot be appended,
// the request fails and the port is free again (a range of one port proves it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingAppends } from '../support/failing-appends.js';
import type { FailingAppends } from '../support/failing-appends.js';
import { DeviceClient, listen } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const mac = '00:11:22:00:30:01';

describe('a DeviceLink whose record cannot be appended', () => {
  let t: TestHub;
  let store: FailingAppends | undefined;
  let device: DeviceClient;
  const port = 43900 + Math.floor(Math.random() * 90);

  beforeAll(async () => {
    t = await startTestHub({
      deviceLink: { ports: { from: port, to: port }, bindAddress: '127.0.0.1', maxLinksPerTenant: 1 },
      storeDouble: (opened) => (store = failingAppends(opened)),
    });
    const admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
    device = await DeviceClient.hello(await listen(t.hub), mac);
    await device.expect('welcome');
    expect((await t.call({ method: 'POST', url: `/api/v1/devices/${mac}/assign`, token: admin, payload: { tenant: 'acme' } })).statusCode).toBe(200);
    await device.expect('device-password');
  });
  afterAll(async () => {
    await device.close();
    await t.close();
  });

  it('fails, opens nothing, and leaves the port and the tenant place free for the next request', async () => {
    const admin = await t.adminToken();
    const open = () => t.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token: admin, payload: { protocol: 'tcp', devicePort: 22 } });
    store?.failNext('tunnel-');
    const failed = await open();
    expect(failed.statusCode, failed.body).toBe(503);
    const opened = await open();
    expect(opened.statusCode, opened.body).toBe(201);
    expect((opened.json() as { port: number }).port).toBe(port);
  });
});
