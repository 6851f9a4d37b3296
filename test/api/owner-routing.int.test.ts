// Two hubs in one process on one data directory, each listening on its own port: hub B holds a
// device's control connection. A device-bound request asked of hub A (assign, open and close a
// link, connect a protocol application) is answered by B (A forwards it with a marker), under
// the client's name; a forged marker is refused as such, and a good one does not stand in for the
// client's token; a marked request is never forwarded again; a read forwarded does not wait for
// the read models; a holder whose lease ran out leaves the device offline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub, HubConfig } from '../../api/hub.js';
import { ForwardingKey, forwardingHeader } from '../../api/forwarding-marker.js';
import { parseMac } from '../../domain/device/mac.js';
import { ManualClock } from '../support/manual-clock.js';
import { DeviceClient, listen, storedEvent } from './gateway-client.js';
import { adminPassword, tokenSecret } from './hub-harness.js';

const leaseMs = 2000;
const sealKey = 'ef'.repeat(32);
const mac = '0011223377a1';
const clientIp = '10.20.30.40';
let dir = '';
let a: Hub;
let b: Hub;
let clockA: ManualClock;
let device: DeviceClient;
let token = '';

async function hubOn(nodeId: string, clock: ManualClock, ports: { from: number; to: number }): Promise<Hub> {
  const config: HubConfig = { dataDir: dir, nodeId, tokenSecret, adminPassword, sealKey, clock, leaseMs, logLevel: 'silent', deviceLink: { ports, bindAddress: '127.0.0.1' } };
  return buildHub(config);
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (hub: Hub, method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
  hub.app.inject({ method, url, remoteAddress: clientIp, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload === undefined ? {} : { payload }) });

/** A marker as a peer would make it, for this request to `forNode`, from 127.0.0.1. */
const markerFor = (key: ForwardingKey, forNode: string, method: Method, url: string, payload?: object): string =>
  key.sign({ method, url, body: payload === undefined ? '' : JSON.stringify(payload), clientIp: '127.0.0.1' }, clockA.now(), forNode);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tether-owner-routing-'));
  clockA = new ManualClock();
  a = await hubOn('node-a', clockA, { from: 44640, to: 44649 });
  b = await hubOn('node-b', new ManualClock(), { from: 44650, to: 44659 });
  await listen(a);
  const gatewayB = await listen(b);
  await storedEvent(a.store, 'node-node-b', (event) => event.type === 'NodeLeaseRenewed');
  const login = await a.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
  token = (login.json() as { token: string }).token;
  expect((await call(a, 'POST', '/api/v1/tenants', { id: 'acme', name: 'Acme', password: 'acme-password' })).statusCode).toBe(201);
  device = await DeviceClient.hello(gatewayB, mac);
  await device.expect('welcome');
  await a.readModels.waitFor(await a.store.headPosition(), 5000);
});

afterAll(async () => {
  await device.close();
  await Promise.all([a.close(), b.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a device-bound request asked of a node that does not hold the device', () => {
  it('is answered by the node holding it, and recorded under the client', async () => {
    const assigned = await call(a, 'POST', `/api/v1/devices/${mac}/assign`, { tenant: 'acme' });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toEqual({ mac: '00:11:22:33:77:A1', tenant: 'acme' });
    const event = await storedEvent(a.store, `device-${mac}`, (recorded) => recorded.type === 'DeviceAssigned');
    expect(event.metadata).toMatchObject({ actor: { id: 'admin', role: 'admin' }, ip: clientIp, correlationId: assigned.headers['x-request-id'] });

    const opened = await call(a, 'POST', `/api/v1/devicelink/${mac}`, { protocol: 'tcp', devicePort: 22 });
    expect(opened.statusCode, opened.body).toBe(201);
    const { token: linkToken, port, host } = opened.json() as { token: string; port: number; host: string };
    // B's port, at the host of B's internal address: where the link's clients reach it.
    expect([port >= 44650 && port <= 44659, host]).toEqual([true, '127.0.0.1']);
    expect([a.tunnels.liveCount, b.tunnels.liveCount]).toEqual([0, 1]);
    // The client reads its own write on the node it asked.
    const tunnelId = linkToken.split('.')[0];
    expect((await call(a, 'GET', `/api/v1/sessions/${tunnelId}`)).json()).toMatchObject({ state: 'open' });

    const deleted = await call(a, 'DELETE', `/api/v1/devicelink/${linkToken}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(b.tunnels.liveCount).toBe(0);
    const closed = await storedEvent(a.store, `tunnel-${tunnelId}`, (recorded) => recorded.type === 'TunnelClosed');
    expect(closed.data).toMatchObject({ cause: 'deleted' });
    expect(closed.metadata).toMatchObject({ actor: { id: 'admin', role: 'admin' }, ip: clientIp });
  });

  it("connects a device's protocol application on the node holding the device", async () => {
    const created = await call(a, 'POST', '/api/v1/protocol-apps', { name: 'SSH', type: 'tcp', devicePort: 22 });
    expect(created.statusCode, created.body).toBe(201);
    const appId = (created.json() as { id: string }).id;
    expect((await call(a, 'PUT', `/api/v1/devices/${mac}/protocol-apps/${appId}`, {})).statusCode).toBe(200);
    const connected = await call(a, 'POST', `/api/v1/devices/${mac}/protocol-apps/${appId}/connect`, {});
    expect(connected.statusCode, connected.body).toBe(201);
    const deviceMac = parseMac(mac);
    expect([a.forwards.apps.connectionOf(appId, deviceMac), b.forwards.apps.connectionOf(appId, deviceMac)?.port]).toEqual([undefined, (connected.json() as { port: number }).port]);
    // A read changes nothing: its answer does not wait for A's read models; a command's does.
    const caughtUp = vi.spyOn(a.readModels, 'waitFor');
    const listed = await call(a, 'GET', `/api/v1/devices/${mac}/protocol-apps`);
    expect(listed.json()).toMatchObject({ items: [{ appId, connection: { type: 'tcp' } }] });
    expect(caughtUp).not.toHaveBeenCalled();
    expect((await call(a, 'POST', `/api/v1/devices/${mac}/protocol-apps/${appId}/disconnect`, {})).statusCode).toBe(204);
    expect(caughtUp).toHaveBeenCalledOnce();
    caughtUp.mockRestore();
    expect(b.forwards.apps.connectionOf(appId, deviceMac)).toBeUndefined();
  });

  it('refuses a forged forwarding marker as such, and records nothing', async () => {
    const url = `/api/v1/devicelink/${mac}`;
    const payload = { protocol: 'tcp', devicePort: 22 };
    const head = await b.store.headPosition();
    const forgeries = [
      'not-a-marker',
      markerFor(new ForwardingKey('another-secret-of-another-cluster-0123456789', 'node-a'), 'node-b', 'POST', url, payload),
      // Made for another request: a marker does not carry over to another body.
      markerFor(new ForwardingKey(tokenSecret, 'node-a'), 'node-b', 'POST', url, { protocol: 'tcp', devicePort: 23 }),
      // Made for another node: a marker does not carry over to another node.
      markerFor(new ForwardingKey(tokenSecret, 'node-b'), 'node-c', 'POST', url, payload),
    ];
    for (const marker of forgeries) {
      const refused = await call(b, 'POST', url, payload, { [forwardingHeader]: marker });
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'forwarding_refused' } });
    }
    expect(b.tunnels.liveCount).toBe(0);
    expect(await b.store.headPosition()).toBe(head);
  });

  it("answers a marked request with a bad client token 401: the marker does not stand in for the client's token", async () => {
    const url = `/api/v1/devicelink/${mac}`;
    const payload = { protocol: 'tcp', devicePort: 22 };
    const head = await b.store.headPosition();
    const marker = markerFor(new ForwardingKey(tokenSecret, 'node-a'), 'node-b', 'POST', url, payload);
    const refused = await b.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}x`, [forwardingHeader]: marker } });
    expect(refused.statusCode, refused.body).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(await b.store.headPosition()).toBe(head);
  });

  it('answers a marked request itself: it is never forwarded again', async () => {
    const url = `/api/v1/devicelink/${mac}`;
    const payload = { protocol: 'tcp', devicePort: 22 };
    const marked = await call(a, 'POST', url, payload, { [forwardingHeader]: markerFor(new ForwardingKey(tokenSecret, 'node-b'), 'node-a', 'POST', url, payload) });
    // A holds no connection of the device: it says so rather than asking B.
    expect(marked.statusCode, marked.body).toBe(409);
    expect(marked.json()).toMatchObject({ error: { code: 'device_offline' } });
    expect([a.tunnels.liveCount, b.tunnels.liveCount]).toEqual([0, 0]);
  });

  it('finds the device offline once its node no longer holds a lease', async () => {
    // B's clock stands still, so it never renews: on A's clock, B's lease runs out.
    clockA.advance(leaseMs + 1);
    const opened = await call(a, 'POST', `/api/v1/devicelink/${mac}`, { protocol: 'tcp', devicePort: 22 });
    expect(opened.statusCode, opened.body).toBe(409);
    expect(opened.json()).toMatchObject({ error: { code: 'device_offline' } });
    expect(b.tunnels.liveCount).toBe(0);
  });
});
