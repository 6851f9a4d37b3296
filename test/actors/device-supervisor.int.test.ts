// The device supervisor on a real runtime and SQLite store, with a fake control connection at
// its socket boundary, wired to a tunnel supervisor as the hub wires them.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { DeviceSupervisor } from '../../actors/device/device-supervisor.js';
import { defaultGatewayLimits, GatewayAdmission } from '../../actors/gateway/gateway-admission.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { SecretSeal } from '../../actors/secrets/secret-seal.js';
import { TunnelSupervisor } from '../../actors/tunnel/tunnel-supervisor.js';
import { parseMac } from '../../domain/device/mac.js';
import type { Hello } from '../../domain/gateway/agent-messages.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import { failingAppends } from '../support/failing-appends.js';
import type { FailingAppends } from '../support/failing-appends.js';
import { admin, createTenant, RuntimeFixture } from './runtime/runtime-fixture.js';

const mac = parseMac('00:11:22:00:50:01');
const otherMac = parseMac('00:11:22:00:50:02');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const port = 46000 + Math.floor(Math.random() * 900);

class FakeDeviceLink implements ControlConnection {
  readonly ip = '127.0.0.1';
  open = true;
  readonly sent: HubMessage[] = [];
  closedFor: string | undefined;
  constructor(readonly connectionId: string) {}
  send(message: HubMessage): void {
    this.sent.push(message);
  }
  close(cause: string): void {
    this.open = false;
    this.closedFor = cause;
  }
}

const hello: Hello = { type: 'hello', mac, model: 'm1', firmware: '1.0', apps: [], categories: [], agentVersion: 'test' };

let fixture: RuntimeFixture;
let store: FailingAppends;
let runtime: ActorRuntime;
let devices: DeviceSupervisor;
let tunnels: TunnelSupervisor;
/** What this node stored and what its device listeners heard, in the order it happened. */
let journal: string[];

beforeEach(async () => {
  fixture = new RuntimeFixture();
  journal = [];
  const failing = failingAppends(fixture.store);
  store = {
    ...failing,
    append: async (stream, events, expected) => {
      const appended = await failing.append(stream, events, expected);
      journal.push(...events.map((event) => `stored ${event.type}`));
      return appended;
    },
  };
  runtime = fixture.runtime({ store });
  const { clock } = fixture;
  devices = new DeviceSupervisor({
    runtime,
    store,
    seal: new SecretSeal(randomBytes(32)),
    nodeId: 'node-1',
    provisioningCodeId: (code) => code,
    // One new MAC an hour per address: a registration not given back refuses the next.
    admission: new GatewayAdmission(runtime, clock, { ...defaultGatewayLimits, registrationsPerHourPerIp: 1 }),
    logger: quiet,
  });
  tunnels = new TunnelSupervisor({ runtime, store, clock, devices, nodeId: 'node-1', ports: { from: port, to: port + 9 }, bindAddress: '127.0.0.1', logger: quiet });
  devices.onConnectionEnded((ended, connectionId) => tunnels.connectionEnded(ended, connectionId));
  devices.onConnectionEnded((_, connectionId) => journal.push(`ended ${connectionId}`));
  devices.onDeviceLive((_, device) => journal.push(`live ${device.connectionId} ${device.tenantId ?? 'unassigned'}`));
  await devices.start();
  await runtime.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
});
afterEach(async () => {
  await tunnels.shutdown();
  await devices.shutdown();
  await fixture.close();
});

async function connected(connectionId: string): Promise<FakeDeviceLink> {
  const link = new FakeDeviceLink(connectionId);
  await devices.hello(link, hello);
  return link;
}

describe('the device supervisor', () => {
  it('records the connection, then welcomes the device; an assignment delivers its password after it is stored', async () => {
    const link = await connected('conn-1');
    expect(link.sent).toEqual([{ type: 'welcome', state: 'unassigned' }]);
    await devices.assign(mac, 'acme', admin);
    const stored = (await fixture.stream(`device-${mac}`)).map((e) => e.type);
    expect(stored).toContain('DeviceAssigned');
    expect(stored.at(-1)).toBe('DevicePasswordDelivered');
    expect(link.sent.map((m) => m.type)).toContain('device-password');
    expect(devices.connectionOf(mac)?.tenantId).toBe('acme');
  });

  it("answers an assignment with what was stored, never the device's new password", async () => {
    const link = await connected('conn-1');
    const assigned = await devices.assign(mac, 'acme', admin);
    const [password] = link.sent.flatMap((message) => (message.type === 'device-password' ? [message.password] : []));
    expect(password).toBeDefined();
    expect(Object.keys(assigned).sort()).toEqual(['events', 'position']);
    expect(JSON.stringify(assigned)).not.toContain(password);
  });

  it('stores an assignment with its password delivery in one append, sending the password only once both are stored', async () => {
    const link = await connected('conn-1');
    store.failNext('device-');
    await expect(devices.assign(mac, 'acme', admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect((await fixture.stream(`device-${mac}`)).map((e) => e.type)).not.toContain('DeviceAssigned');
    expect(link.sent.map((m) => m.type)).toEqual(['welcome']);

    // A store that fails after one append cannot leave the device assigned to a password it never got.
    store.failNext('device-', 1, 1);
    await devices.assign(mac, 'acme', admin);
    expect((await fixture.stream(`device-${mac}`)).map((e) => e.type).slice(-2)).toEqual(['DeviceAssigned', 'DevicePasswordDelivered']);
    expect(link.sent.map((m) => m.type)).toEqual(['welcome', 'device-password']);
  });

  it('stores the disconnection before the TunnelClosed events it causes', async () => {
    const link = await connected('conn-1');
    await devices.assign(mac, 'acme', admin);
    const opened = await Promise.all([22, 23].map((devicePort) => tunnels.open({ device: mac, tenantId: 'acme', settings: { protocol: 'tcp', devicePort }, context: admin })));
    await devices.disconnected(mac, link, 'closed');
    await tunnels.shutdown();
    const all = await fixture.store.readAll();
    const disconnected = all.find((e) => e.type === 'DeviceDisconnected');
    const closed = all.filter((e) => e.type === 'TunnelClosed');
    expect(closed.map((e) => e.stream).sort()).toEqual(opened.map((o) => `tunnel-${o.tunnelId}`).sort());
    expect(closed.map((e) => e.data.cause)).toEqual(['device-offline', 'device-offline']);
    for (const event of closed) expect(event.position).toBeGreaterThan(disconnected?.position ?? Number.POSITIVE_INFINITY);
  });

  it('supersedes a live connection by a newer one of the same device, recorded first', async () => {
    const first = await connected('conn-1');
    await devices.assign(mac, 'acme', admin);
    const password = first.sent.find((m) => m.type === 'device-password');
    if (password?.type !== 'device-password') throw new Error('no password delivered');
    const second = new FakeDeviceLink('conn-2');
    await devices.hello(second, { ...hello, password: password.password });
    expect(first.closedFor).toBe('superseded');
    expect(devices.connectionOf(mac)?.link).toBe(second);
    const types = (await fixture.stream(`device-${mac}`)).map((e) => e.type);
    expect(types.filter((t) => t === 'DeviceConnected')).toHaveLength(2);
  });

  it('records every live connection as ended by hub-shutdown at shutdown, and tells the device', async () => {
    const link = await connected('conn-1');
    await devices.shutdown();
    const last = (await fixture.stream(`device-${mac}`)).at(-1);
    expect(last).toMatchObject({ type: 'DeviceDisconnected', data: { cause: 'hub-shutdown' } });
    expect(link.closedFor).toBe('hub-shutdown');
    expect(devices.onlineCount).toBe(0);
  });

  it('leaves no session and gives the registration back when a hello is not stored', async () => {
    store.failNext('device-');
    const lost = new FakeDeviceLink('conn-1');
    await expect(devices.hello(lost, hello)).rejects.toThrow(/unavailable/);
    expect(devices.connectionOf(mac)).toBeUndefined();
    expect(devices.onlineCount).toBe(0);
    // Another new MAC from the address: it gets in only if the lost hello's registration was given back.
    const another = new FakeDeviceLink('conn-2');
    await devices.hello(another, { ...hello, mac: otherMac });
    expect(another.sent).toEqual([{ type: 'welcome', state: 'unassigned' }]);
    expect(devices.connectionOf(otherMac)?.link).toBe(another);
  });

  it('ends the session and what it carried when its disconnection cannot be stored', async () => {
    const link = await connected('conn-1');
    store.failNext('device-');
    await expect(devices.disconnected(mac, link, 'closed')).rejects.toThrow(/unavailable/);
    expect(devices.onlineCount).toBe(0);
    expect(journal.at(-1)).toBe('ended conn-1');
  });

  it("acts on a device's events only once they are stored, in stream order", async () => {
    const first = await connected('conn-1');
    await devices.assign(mac, 'acme', admin);
    const password = first.sent.find((m) => m.type === 'device-password');
    if (password?.type !== 'device-password') throw new Error('no password delivered');
    const second = new FakeDeviceLink('conn-2');
    await devices.hello(second, { ...hello, password: password.password });
    await runtime.execute(deviceAggregate, mac, { type: 'UnassignDevice' }, admin);
    expect(devices.connectionOf(mac)?.tenantId).toBeUndefined();
    await devices.disconnected(mac, second, 'closed');
    expect(journal.filter((entry) => !entry.startsWith('stored Tenant') && !entry.startsWith('stored RegistrationCounted'))).toEqual([
      'stored DeviceRegistered',
      'stored DeviceConnected',
      'live conn-1 unassigned',
      'stored DeviceAssigned',
      'stored DevicePasswordDelivered',
      'live conn-1 acme',
      'stored DeviceDisconnected',
      'stored DeviceConnected',
      'ended conn-1',
      'live conn-2 acme',
      'stored DeviceUnassigned',
      'live conn-2 unassigned',
      'stored DeviceDisconnected',
      'ended conn-2',
    ]);
    expect(first.closedFor).toBe('superseded');
    expect(devices.onlineCount).toBe(0);
  });

  it("announces an admin's categories once, whichever node stored them", async () => {
    await connected('conn-1');
    const heard: (readonly string[])[] = [];
    const southHeard = new Promise<void>((resolve) => {
      devices.onDeviceLive((_, device) => {
        heard.push(device.adminCategories);
        if (device.adminCategories.includes('south')) resolve();
      });
    });
    await runtime.execute(deviceAggregate, mac, { type: 'SetDeviceDetails', categories: ['north'] }, admin);
    // Another node's change reaches this one through the log, after this node's own.
    await fixture.runtime().execute(deviceAggregate, mac, { type: 'SetDeviceDetails', categories: ['south'] }, admin);
    await within(southHeard, 5000);
    expect(heard).toEqual([['north'], ['south']]);
  });
});

async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing heard within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
