// What a job scheduler sees of devices held by other hub nodes: their connections as the
// device streams record them (node, tenant proven, inventory), followed from the log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OnlineDevices } from '../../actors/device/online-devices.js';
import type { OnlineEntry } from '../../actors/device/online-devices.js';
import { ClusterDevices } from '../../actors/job/cluster-devices.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import type { Mac } from '../../domain/device/mac.js';
import { admin, RuntimeFixture } from './runtime/runtime-fixture.js';
import { macOf, RecordingLogger } from './job-supervisor-fixture.js';

const inventory = { model: 'IP232', firmware: '13r1', apps: [], software: [], categories: ['north'] };
const connect = (mac: Mac, connectionId: string, nodeId: string): DeviceCommand => ({ type: 'RecordConnection', mac, connectionId, ip: '127.0.0.1', inventory, passwordValid: true, nodeId });

describe('ClusterDevices', () => {
  let fixture: RuntimeFixture;
  let peer: ActorRuntime;
  let local: OnlineDevices;
  let devices: ClusterDevices;

  /** Resolves at the next device heard live. */
  const nextLive = (): Promise<OnlineEntry> => new Promise((resolve) => devices.onLive(resolve));

  beforeEach(async () => {
    fixture = new RuntimeFixture();
    peer = fixture.runtime({ store: fixture.openStore() });
    local = new OnlineDevices();
    const store = fixture.openStore();
    devices = new ClusterDevices({ runtime: fixture.runtime({ store }), store, nodeId: 'a', local, logger: new RecordingLogger() });
    await devices.start();
  });

  afterEach(async () => {
    await devices.stop();
    await fixture.close();
  });

  it("shows a device another node holds with the tenant its connection proved, and forgets it once its disconnection is stored", async () => {
    const [one, two] = [macOf(1), macOf(2)];
    await peer.execute(deviceAggregate, one, connect(one, 'c1', 'b'), admin);
    await peer.execute(deviceAggregate, one, { type: 'AssignDevice', tenantId: 'acme', passwordHash: 'hash', via: 'admin' }, admin);
    await peer.execute(deviceAggregate, one, { type: 'RecordDisconnection', connectionId: 'c1', cause: 'closed' }, admin);
    const proven = nextLive();
    await peer.execute(deviceAggregate, one, connect(one, 'c2', 'b'), admin);
    expect(await proven).toMatchObject({ mac: one, connectionId: 'c2', tenantId: 'acme', model: 'IP232', firmware: '13r1', categories: ['north'] });
    expect([...devices.all()].map((entry) => entry.mac)).toEqual([one]);

    await peer.execute(deviceAggregate, one, { type: 'RecordDisconnection', connectionId: 'c2', cause: 'closed' }, admin);
    // Events of the log are taken in order: once the next device is heard, the disconnection was.
    const next = nextLive();
    await peer.execute(deviceAggregate, two, connect(two, 'c3', 'b'), admin);
    expect((await next).mac).toBe(two);
    expect(devices.get(one)).toBeUndefined();
    expect(devices.get(two)).toMatchObject({ connectionId: 'c3', tenantId: undefined });
  });

  it('leaves a device connected to this node to the hellos this node hears', async () => {
    const [one, two] = [macOf(1), macOf(2)];
    await peer.execute(deviceAggregate, one, connect(one, 'c1', 'a'), admin);
    const next = nextLive();
    await peer.execute(deviceAggregate, two, connect(two, 'c2', 'b'), admin);
    expect((await next).mac).toBe(two);
    expect(devices.get(one)).toBeUndefined();
    local.live(one, { connectionId: 'c1', tenantId: 'acme', inventory, adminCategories: [] });
    expect(devices.get(one)).toMatchObject({ connectionId: 'c1', tenantId: 'acme' });
    expect([...devices.all()].map((entry) => entry.mac)).toEqual([one, two]);
  });
});
