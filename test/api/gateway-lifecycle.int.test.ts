// How device connections end: a graceful shutdown, a crash found at the next start, another
// hub node taking a device over, a device that stops answering pings, and socket.io beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectDashboard } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { buildHub } from '../../api/hub.js';
import type { Hub, HubConfig } from '../../api/hub.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import { parseMac } from '../../domain/device/mac.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';
import { ManualClock } from '../support/manual-clock.js';
import { DeviceClient, listen, storedEvent } from './gateway-client.js';
import { adminPassword, tokenSecret } from './hub-harness.js';

const dirs: string[] = [];
const hubs: Hub[] = [];
const sealKey = 'ab'.repeat(32);

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-gateway-'));
  dirs.push(dir);
  return dir;
}

async function hubOn(dir: string, nodeId: string, extra: Partial<HubConfig> = {}): Promise<Hub> {
  const hub = await buildHub({ dataDir: dir, nodeId, tokenSecret, adminPassword, sealKey, clock: new ManualClock(), logLevel: 'silent', ...extra });
  hubs.push(hub);
  return hub;
}

const connectCommand = (mac: string, connectionId: string, nodeId: string): DeviceCommand => ({
  type: 'RecordConnection',
  mac: parseMac(mac),
  connectionId,
  ip: '192.0.2.1',
  inventory: { model: 'm', firmware: 'f', apps: [], software: [], categories: [] },
  passwordValid: false,
  nodeId,
});

describe('device connections ending', () => {
  it('records hub-shutdown for every live device at a graceful shutdown, and tells the devices', async () => {
    const dir = dataDir();
    const hub = await hubOn(dir, 'node-a');
    const url = await listen(hub);
    const clients = await Promise.all(['0011223355a1', '0011223355a2'].map((mac) => DeviceClient.hello(url, mac)));
    await Promise.all(clients.map((client) => client.expect('welcome')));

    await hub.close();
    for (const client of clients) {
      expect(await client.expect('closing')).toEqual({ type: 'closing', cause: 'hub-shutdown' });
      expect((await client.closed).code).toBe(1001);
    }
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    try {
      for (const mac of ['0011223355a1', '0011223355a2']) {
        const last = (await store.readStream(`device-${mac}`)).at(-1);
        expect(last).toMatchObject({ type: 'DeviceDisconnected', data: { cause: 'hub-shutdown' } });
      }
    } finally {
      await store.close();
    }
  });

  it('at start-up, records as ended the connections a crashed run of this node left online, and only those', async () => {
    const dir = dataDir();
    // What a run killed with SIGKILL leaves behind: connections recorded, never ended.
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    const runtime = new ActorRuntime({ store, clock: new ManualClock() });
    const device = { principal: { id: 'device', role: 'device' as const } };
    await runtime.execute(deviceAggregate, '0011223355b1', connectCommand('0011223355b1', 'c-mine', 'node-a'), device);
    await runtime.execute(deviceAggregate, '0011223355b2', connectCommand('0011223355b2', 'c-other', 'node-b'), device);
    await runtime.stop();
    await store.close();

    const hub = await hubOn(dir, 'node-a');
    const mine = (await hub.store.readStream('device-0011223355b1')).at(-1);
    expect(mine).toMatchObject({ type: 'DeviceDisconnected', data: { connectionId: 'c-mine', cause: 'hub-shutdown' } });
    expect(mine?.metadata.actor).toEqual({ id: 'system', role: 'system' });
    expect((await hub.store.readStream('device-0011223355b2')).at(-1)?.type).toBe('DeviceConnected');

    // The device can come back at once: it is not refused as already connected.
    const url = await listen(hub);
    const client = await DeviceClient.hello(url, '0011223355b1');
    expect(await client.expect('welcome')).toEqual({ type: 'welcome', state: 'unassigned' });
    await client.close();
  });

  it('closes the local socket when another hub node takes the device over', async () => {
    const dir = dataDir();
    const a = await hubOn(dir, 'node-a');
    const b = await hubOn(dir, 'node-b');
    const [urlA, urlB] = [await listen(a), await listen(b)];
    const token = ((await a.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } })).json() as { token: string }).token;
    const created = await a.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { authorization: `Bearer ${token}` }, payload: { id: 'acme', name: 'Acme', password: 'acme-password' } });
    expect(created.statusCode).toBe(201);
    expect((await a.app.inject({ method: 'PUT', url: '/api/v1/tenants/acme/password-deployment', headers: { authorization: `Bearer ${token}` }, payload: { enabled: false } })).statusCode).toBe(200);

    const onA = await DeviceClient.hello(urlA, '0011223355c1');
    await onA.expect('welcome');
    const assigned = await a.app.inject({ method: 'POST', url: '/api/v1/devices/0011223355c1/assign', headers: { authorization: `Bearer ${token}` }, payload: { tenant: 'acme' } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    await onA.expect('device-password');

    // Through B too: B forwards it to A, which holds the connection and hands the device its new password.
    const throughB = await b.app.inject({ method: 'POST', url: '/api/v1/devices/0011223355c1/assign', headers: { authorization: `Bearer ${token}` }, payload: { tenant: 'acme' } });
    expect(throughB.statusCode, throughB.body).toBe(200);
    const { password } = await onA.expect('device-password');

    const onB = await DeviceClient.hello(urlB, '0011223355c1', { password });
    expect(await onB.expect('welcome')).toEqual({ type: 'welcome', state: 'assigned', tenant: 'acme' });
    expect(await onA.expect('closing')).toEqual({ type: 'closing', cause: 'superseded' });
    await onA.closed;
    const events = await a.store.readStream('device-0011223355c1');
    expect(events.at(-1)).toMatchObject({ type: 'DeviceConnected', data: { nodeId: 'node-b', authenticated: true } });
    expect(events.filter((e) => e.type === 'DeviceDisconnected')).toHaveLength(1);
    expect(a.devices.onlineCount).toBe(0);
    expect(b.devices.onlineCount).toBe(1);
    await onB.close();
  });

  it('drops a device that stops answering pings, recording cause timeout', async () => {
    const hub = await hubOn(dataDir(), 'node-a', { gateway: { heartbeatMs: 100 } });
    const url = await listen(hub);
    const client = await DeviceClient.open(url, { autoPong: false });
    client.send({ type: 'hello', mac: '0011223355d1', model: 'm', firmware: 'f', apps: [], categories: [], agentVersion: 'v' });
    await client.expect('welcome');
    const ended = await storedEvent(hub.store, 'device-0011223355d1', (e) => e.type === 'DeviceDisconnected');
    expect(ended.data.cause).toBe('timeout');
    await client.closed;
  });

  it('keeps socket.io dashboards working beside the gateway on one server', async () => {
    const hub = await hubOn(dataDir(), 'node-a');
    const url = await listen(hub);
    const token = ((await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } })).json() as { token: string }).token;
    const dashboard = connectDashboard(url.replace('ws://', 'http://').replace('/gateway', '/dashboard'), { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      dashboard.once('connect', resolve);
      dashboard.once('connect_error', reject);
    });
    const client = await DeviceClient.hello(url, '0011223355e1');
    await client.expect('welcome');
    expect(dashboard.connected).toBe(true);
    dashboard.close();
    await client.close();
  });
});
