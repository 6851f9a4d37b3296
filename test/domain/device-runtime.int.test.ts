import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import { isAssigned, isOnline } from '../../domain/device/decide.js';
import { parseMac } from '../../domain/device/mac.js';
import { admin, RuntimeFixture } from '../actors/runtime/runtime-fixture.js';

const mac = parseMac('00-11-22-AA-BB-CC');
const hub = { principal: { id: 'hub', role: 'system' as const }, ip: '192.0.2.1' };
const inventory = { model: 'IP232', firmware: '13r1', apps: [{ name: 'devices', version: '13r1' }], software: [], categories: ['phones'] };
const connect = (connectionId: string, passwordValid: boolean): DeviceCommand => ({
  type: 'RecordConnection',
  mac,
  connectionId,
  ip: '192.0.2.1',
  inventory,
  passwordValid,
  nodeId: 'node-a',
});

let fixture: RuntimeFixture;
beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

describe('device aggregate in the actor runtime', () => {
  it('stores every decision in device-<mac> and replays it to the same state', async () => {
    const runtime = fixture.runtime();
    await runtime.execute(deviceAggregate, mac, connect('c1', false), hub);
    await runtime.execute(deviceAggregate, mac, { type: 'AssignDevice', tenantId: 'acme', passwordHash: 'h1', via: 'admin', deliverTo: 'c1' }, admin);
    await runtime.execute(deviceAggregate, mac, { type: 'RecordTenantPasswordDeployed', connectionId: 'c1', tenantId: 'acme' }, hub);
    const refused = await runtime.execute(deviceAggregate, mac, connect('rogue', false), hub);
    expect(refused.events.map((e) => e.type)).toEqual(['DeviceConnectionRefused']);
    const superseding = await runtime.execute(deviceAggregate, mac, connect('c2', true), hub);
    expect(superseding.events.map((e) => e.type)).toEqual(['DeviceDisconnected', 'DeviceConnected']);
    await runtime.execute(deviceAggregate, mac, { type: 'UnassignDevice' }, admin);
    await runtime.execute(deviceAggregate, mac, { type: 'RecordDisconnection', connectionId: 'c2', cause: 'hub-shutdown' }, hub);

    const types = (await fixture.stream('device-001122aabbcc')).map((e) => e.type);
    expect(types).toEqual([
      'DeviceRegistered',
      'DeviceConnected',
      'DeviceAssigned',
      'DevicePasswordDelivered',
      'TenantPasswordDeployed',
      'DeviceConnectionRefused',
      'DeviceDisconnected',
      'DeviceConnected',
      'DeviceUnassigned',
      'DeviceDisconnected',
    ]);

    const replayed = await fixture.runtime().load(deviceAggregate, mac);
    expect(isOnline(replayed.state)).toBe(false);
    expect(isAssigned(replayed.state)).toBe(false);
    expect(replayed.state.context).toMatchObject({ mac, lastSeen: '2026-01-01T00:00:00.000Z', refusedConnections: 1, tenantPasswordDeployments: 1 });
    expect(replayed.state.context.nodeId).toBeUndefined();
    const connected = (await fixture.stream('device-001122aabbcc')).find((e) => e.type === 'DeviceConnected');
    expect(connected?.data.nodeId).toBe('node-a');
  });
});
