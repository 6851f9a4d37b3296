// Issue 14, point 8: a TCP link may have a maximum lifetime (configured, or shorter per request),
// as a UDP link has its idle timeout. Its deadline is recorded (TunnelOpened.expiresAt); on the
// injected clock the link then ends by TunnelClosed with cause lifetime-expired, and its port
// and its tenant's place are free again.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DeviceClient, listen, storedEvent } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const mac = '00:11:22:00:30:01';
let t: TestHub | undefined;
let device: DeviceClient | undefined;

afterEach(async () => {
  await device?.close();
  device = undefined;
  await t?.close();
  t = undefined;
});

function portWindow(size: number): { from: number; to: number } {
  const from = 44000 + Math.floor(Math.random() * 190) * 10;
  return { from, to: from + size - 1 };
}

async function hubWithDevice(lifetime: number | undefined): Promise<{ hub: TestHub; admin: string }> {
  const hub = await startTestHub({ deviceLink: { ports: portWindow(4), bindAddress: '127.0.0.1', maxLinksPerTenant: 1, ...(lifetime === undefined ? {} : { lifetime }) } });
  t = hub;
  const url = await listen(hub.hub);
  const admin = await hub.adminToken();
  await hub.createTenant(admin, 'acme');
  device = await DeviceClient.hello(url, mac);
  await device.expect('welcome');
  expect((await hub.call({ method: 'POST', url: `/api/v1/devices/${mac}/assign`, token: admin, payload: { tenant: 'acme' } })).statusCode).toBe(200);
  await device.expect('device-password');
  return { hub, admin };
}

const link = (hub: TestHub, admin: string, payload: object): Promise<LightMyRequestResponse> =>
  hub.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token: admin, payload });

const refusedConnection = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('a TCP DeviceLink with a lifetime', () => {
  it('ends on the clock by an event with cause lifetime-expired, freeing its port and its place', async () => {
    const { hub, admin } = await hubWithDevice(60_000);
    const response = await link(hub, admin, { protocol: 'tcp', devicePort: 22 });
    expect(response.statusCode, response.body).toBe(201);
    const opened = response.json() as { port: number; lifetime?: number };
    expect(opened.lifetime).toBe(60_000);
    const recorded = await storedEvent(hub.hub.store, { category: 'tunnel' }, (event) => event.type === 'TunnelOpened');
    expect(recorded.data).toMatchObject({ lifetime: 60_000, expiresAt: new Date(hub.clock.now().getTime() + 60_000).toISOString() });

    hub.clock.advance(59_999);
    expect((await link(hub, admin, { protocol: 'tcp', devicePort: 22 })).statusCode).toBe(429);
    hub.clock.advance(1);
    const closed = await storedEvent(hub.hub.store, recorded.stream, (event) => event.type === 'TunnelClosed');
    expect(closed.data).toMatchObject({ cause: 'lifetime-expired' });
    expect(await refusedConnection(opened.port)).toBe(true);
    expect((await link(hub, admin, { protocol: 'tcp', devicePort: 22 })).statusCode).toBe(201);
  });

  it('may be asked shorter than configured, never longer; a UDP link has none', async () => {
    const { hub, admin } = await hubWithDevice(60_000);
    const shorter = await link(hub, admin, { protocol: 'tcp', devicePort: 22, lifetime: 1000 });
    expect((shorter.json() as { lifetime?: number }).lifetime).toBe(1000);
    await hub.call({ method: 'DELETE', url: `/api/v1/devicelink/${encodeURIComponent((shorter.json() as { token: string }).token)}`, token: admin });
    const longer = await link(hub, admin, { protocol: 'tcp', devicePort: 22, lifetime: 600_000 });
    expect((longer.json() as { lifetime?: number }).lifetime).toBe(60_000);
    await hub.call({ method: 'DELETE', url: `/api/v1/devicelink/${encodeURIComponent((longer.json() as { token: string }).token)}`, token: admin });
    const udp = await link(hub, admin, { protocol: 'udp', devicePort: 161, lifetime: 1000 });
    expect(udp.statusCode, udp.body).toBe(201);
    expect(udp.json()).not.toHaveProperty('lifetime');
  });

  it('is not given one when none is configured or asked', async () => {
    const { hub, admin } = await hubWithDevice(undefined);
    const response = await link(hub, admin, { protocol: 'tcp', devicePort: 22 });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).not.toHaveProperty('lifetime');
  });
});
