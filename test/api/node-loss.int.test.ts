// Two hubs in one process on one data directory. Hub B stops renewing its lease (its clock
// stands still, as a node that died), and hub A ends what B held by events with cause
// hub-lost within two lease periods: B's device connection and its DeviceLink.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub, HubConfig } from '../../api/hub.js';
import { ManualClock } from '../support/manual-clock.js';
import { DeviceClient, listen, storedEvent } from './gateway-client.js';
import { adminPassword, tokenSecret } from './hub-harness.js';

const leaseMs = 2000;
const sealKey = 'cd'.repeat(32);
const hubs: Hub[] = [];
const clients: DeviceClient[] = [];
let dir = '';

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function hubOn(nodeId: string, clock: ManualClock, ports: { from: number; to: number }): Promise<Hub> {
  const config: HubConfig = { dataDir: dir, nodeId, tokenSecret, adminPassword, sealKey, clock, leaseMs, logLevel: 'silent', deviceLink: { ports, bindAddress: '127.0.0.1' } };
  const hub = await buildHub(config);
  hubs.push(hub);
  return hub;
}

async function call(hub: Hub, method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object): Promise<{ statusCode: number; body: string; json(): unknown }> {
  return hub.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
}

describe('a hub node lost', () => {
  it('has its device connection and link ended as hub-lost by a live peer within two lease periods', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tether-node-loss-'));
    const clockA = new ManualClock();
    const a = await hubOn('node-a', clockA, { from: 44100, to: 44109 });
    const b = await hubOn('node-b', new ManualClock(), { from: 44110, to: 44119 });
    await listen(a);
    const urlB = await listen(b);
    await storedEvent(a.store, 'node-node-b', (event) => event.type === 'NodeLeaseRenewed');
    const livePeers = async (): Promise<string | undefined> => /^tether_peer_nodes_live (\d+)$/m.exec((await a.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1];

    const login = await a.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
    const { token } = login.json() as { token: string };
    expect((await call(a, 'POST', '/api/v1/tenants', token, { id: 'acme', name: 'Acme', password: 'acme-password' })).statusCode).toBe(201);
    const mac = '0011223366a1';
    const device = await DeviceClient.hello(urlB, mac);
    clients.push(device);
    await device.expect('welcome');
    await b.readModels.waitFor(await b.store.headPosition(), 5000);
    const assigned = await call(b, 'POST', `/api/v1/devices/${mac}/assign`, token, { tenant: 'acme' });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const opened = await call(b, 'POST', `/api/v1/devicelink/${mac}`, token, { protocol: 'tcp', devicePort: 22 });
    expect(opened.statusCode, opened.body).toBe(201);
    const tunnelId = (opened.json() as { token: string }).token.split('.')[0];
    expect(await livePeers()).toBe('1');

    // B never renews again; A's clock moves on by two lease periods, a renewal's pace at a time.
    for (let step = 0; step < 6; step += 1) clockA.advance(leaseMs / 3);
    const lost = await storedEvent(a.store, 'node-node-b', (event) => event.type === 'NodeLost');
    expect(lost.data.by).toBe('node-a');
    const linkEnded = await storedEvent(a.store, `tunnel-${tunnelId}`, (event) => event.type === 'TunnelClosed');
    expect(linkEnded.data).toMatchObject({ cause: 'hub-lost' });
    const deviceEnded = await storedEvent(a.store, `device-${mac}`, (event) => event.type === 'DeviceDisconnected');
    expect(deviceEnded.data).toMatchObject({ cause: 'hub-lost' });
    expect(new Date(String(deviceEnded.data.at)).getTime() - new Date(String(lost.data.expiredAt)).getTime()).toBeLessThanOrEqual(leaseMs);

    // The read models say so too: the session ended as hub-lost, the device offline.
    await a.readModels.waitFor(deviceEnded.position, 5000);
    const session = await call(a, 'GET', `/api/v1/sessions/${tunnelId}`, token);
    expect(session.json()).toMatchObject({ state: 'closed', terminationCause: 'hub-lost' });
    const shown = await call(a, 'GET', `/api/v1/devices/${mac}`, token);
    expect(shown.json()).toMatchObject({ online: false });
    expect(await livePeers()).toBe('0');
  });
});
