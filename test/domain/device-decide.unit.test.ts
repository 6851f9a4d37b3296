import { isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../../domain/aggregate.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import { isAssigned, isOnline } from '../../domain/device/decide.js';
import type { DeviceEvent } from '../../domain/device/events.js';
import { recordedFields } from '../../domain/device/inventory.js';
import type { DeviceInventory } from '../../domain/device/inventory.js';
import { parseMac } from '../../domain/device/mac.js';
import { deviceMachine } from '../../domain/device/machine.js';
import { given, stateAfter } from '../support/given-when-then.js';

const mac = parseMac('00:11:22:AA:BB:CC');
const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-01T00:05:00.000Z';
const later: Partial<DecisionContext> = { now: new Date(t1) };
const inventory: DeviceInventory = { model: 'IP232', firmware: '13r1', apps: [{ name: 'devices', version: '13r1' }], software: [], categories: ['phones'] };
const newInventory: DeviceInventory = { ...inventory, firmware: '13r2' };

const connect = (connectionId: string, passwordValid: boolean, ip = '192.0.2.1', inv = inventory): DeviceCommand => ({
  type: 'RecordConnection',
  mac,
  connectionId,
  ip,
  inventory: inv,
  passwordValid,
  nodeId: 'node-a',
});
const registered: DeviceEvent = { type: 'DeviceRegistered', data: { mac, ...recordedFields(inventory) } };
/** `inv`: the inventory the hello reported, when it is not the one recorded. */
const connected = (connectionId: string, authenticated: boolean, at = t0, ip = '192.0.2.1', inv?: DeviceInventory): DeviceEvent => ({
  type: 'DeviceConnected',
  data: { connectionId, ip, authenticated, at, ...(inv === undefined ? {} : recordedFields(inv)), nodeId: 'node-a' },
});
const disconnected = (connectionId: string, cause: 'closed' | 'superseded', at = t0): DeviceEvent => ({
  type: 'DeviceDisconnected',
  data: { connectionId, cause, at },
});
const assigned = (tenantId: string, passwordHash: string): DeviceEvent => ({
  type: 'DeviceAssigned',
  data: { tenantId, passwordHash, via: 'admin' },
});

/** Unassigned device online on c1. */
const online = [registered, connected('c1', false)];
/** Assigned to acme, password delivered, offline. */
const assignedOffline = [...online, assigned('acme', 'hash-1'), { type: 'DevicePasswordDelivered', data: { connectionId: 'c1' } }, disconnected('c1', 'closed')] satisfies DeviceEvent[];
/** Assigned to acme and online with its password on c2. */
const assignedOnline = [...assignedOffline, connected('c2', true)];

/** The runtime applies every decided event after checking snapshot.can(); so do the tests. */
function after(history: readonly DeviceEvent[], command: DeviceCommand, context: Partial<DecisionContext> = {}) {
  const state = stateAfter(deviceMachine, history);
  const decided = deviceAggregate.decide(state, command, { now: new Date(t0), principal: { id: 'hub', role: 'system' }, ...context });
  return stateAfter(deviceMachine, [...history, ...decided]);
}

describe('device decider: connections', () => {
  it('registers a MAC never seen before as an unassigned device that is online', () => {
    given(deviceAggregate, []).when(connect('c1', false)).then([registered, connected('c1', false)]);
    const state = after([], connect('c1', true));
    expect(isOnline(state)).toBe(true);
    expect(isAssigned(state)).toBe(false);
    expect(state.context).toMatchObject({ mac, authenticated: false, lastSeen: t0, ip: '192.0.2.1', connectionId: 'c1' });
  });

  it('never authenticates an unassigned device, even if the hub says the password matched', () => {
    given(deviceAggregate, [registered]).when(connect('c1', true)).then([connected('c1', false)]);
  });

  it('authenticates an assigned device that presents its password and updates its inventory', () => {
    given(deviceAggregate, assignedOffline)
      .when(connect('c2', true, '192.0.2.9', newInventory), later)
      .then([connected('c2', true, t1, '192.0.2.9', newInventory)]);
    expect(after(assignedOffline, connect('c2', true, '192.0.2.9', newInventory), later).context).toMatchObject({
      firmware: '13r2',
      lastSeen: t1,
      ip: '192.0.2.9',
    });
  });

  it('stores no copy of an unchanged inventory at a reconnect, and keeps the one recorded', () => {
    given(deviceAggregate, assignedOffline).when(connect('c2', true, '192.0.2.9'), later).then([connected('c2', true, t1, '192.0.2.9')]);
    const changedBefore = [...assignedOffline, connected('c2', true, t0, '192.0.2.1', newInventory), disconnected('c2', 'closed')];
    given(deviceAggregate, changedBefore).when(connect('c3', true, '192.0.2.1', newInventory)).then([connected('c3', true)]);
    given(deviceAggregate, changedBefore).when(connect('c3', true, '192.0.2.1', inventory)).then([connected('c3', true, t0, '192.0.2.1', inventory)]);
    expect(after(changedBefore, connect('c3', true, '192.0.2.1', newInventory)).context).toMatchObject(newInventory);
    // Another order of the same categories is another inventory: the device said it so.
    const reordered = { ...inventory, categories: ['phones', 'lab'] };
    given(deviceAggregate, [...online, disconnected('c1', 'closed')]).when(connect('c2', false, '192.0.2.1', reordered)).then([connected('c2', false, t0, '192.0.2.1', reordered)]);
  });

  it('records the software a device reports, and an inventory recorded without software as none', () => {
    const withSoftware: DeviceInventory = { ...inventory, software: [{ name: 'myapps', version: '1.0' }] };
    given(deviceAggregate, []).when(connect('c1', false, '192.0.2.1', withSoftware)).then([
      { type: 'DeviceRegistered', data: { mac, ...inventory, software: [{ name: 'myapps', version: '1.0' }] } },
      connected('c1', false),
    ]);
    const updated: DeviceInventory = { ...inventory, software: [{ name: 'myapps', version: '2.0' }] };
    given(deviceAggregate, assignedOffline).when(connect('c2', true, '192.0.2.1', updated)).then([connected('c2', true, t0, '192.0.2.1', updated)]);
    expect(after(assignedOffline, connect('c2', true, '192.0.2.1', updated)).context.software).toEqual([{ name: 'myapps', version: '2.0' }]);
    // Installed, then gone: the next inventory carries no software field, which means none.
    const installed = [...assignedOffline, connected('c2', true, t0, '192.0.2.1', updated), disconnected('c2', 'closed')];
    given(deviceAggregate, installed).when(connect('c3', true)).then([connected('c3', true, t0, '192.0.2.1', inventory)]);
    expect(after(installed, connect('c3', true)).context.software).toEqual([]);
    // A reconnect without an inventory keeps the software recorded.
    expect(stateAfter(deviceMachine, [...installed, connected('c3', true)]).context.software).toEqual([{ name: 'myapps', version: '2.0' }]);
  });

  it('lets an assigned device without its password online unauthenticated, keeping assignment and password hash', () => {
    given(deviceAggregate, assignedOffline).when(connect('c2', false)).then([connected('c2', false)]);
    const state = after(assignedOffline, connect('c2', false));
    expect(isAssigned(state)).toBe(true);
    expect(state.context).toMatchObject({ tenantId: 'acme', passwordHash: 'hash-1', authenticated: false });
  });

  it('supersedes the live connection with a new one that presents the password', () => {
    given(deviceAggregate, assignedOnline)
      .when(connect('c3', true), later)
      .then([disconnected('c2', 'superseded', t1), connected('c3', true, t1)]);
    expect(after(assignedOnline, connect('c3', true), later).context.connectionId).toBe('c3');
  });

  it('supersedes an unauthenticated impostor once the real device comes with its password', () => {
    const impostorOnline = [...assignedOffline, connected('rogue', false)];
    given(deviceAggregate, impostorOnline).when(connect('c3', true)).then([disconnected('rogue', 'superseded'), connected('c3', true)]);
  });

  it('refuses a second connection without the password while one is live, and changes nothing else', () => {
    given(deviceAggregate, assignedOnline)
      .when(connect('rogue', false, '203.0.113.7'))
      .then([{ type: 'DeviceConnectionRefused', data: { ip: '203.0.113.7', reason: 'already-connected' } }]);
    const state = after(assignedOnline, connect('rogue', false, '203.0.113.7'));
    expect(state.context).toMatchObject({ connectionId: 'c2', authenticated: true, tenantId: 'acme', passwordHash: 'hash-1', refusedConnections: 1 });
  });

  it('refuses a second connection of an unassigned device while one is live', () => {
    given(deviceAggregate, online)
      .when(connect('c2', false))
      .then([{ type: 'DeviceConnectionRefused', data: { ip: '192.0.2.1', reason: 'already-connected' } }]);
  });

  it('decides nothing when the same connection is recorded twice', () => {
    given(deviceAggregate, assignedOnline).when(connect('c2', true)).then([]);
  });

  it('refuses a hello recorded on another MAC stream', () => {
    given(deviceAggregate, assignedOffline)
      .when({ ...connect('c2', true), mac: parseMac('001122334455') } as DeviceCommand)
      .thenFails('validation_failed');
  });

  it('records the disconnection of the live connection with its cause and time', () => {
    given(deviceAggregate, assignedOnline)
      .when({ type: 'RecordDisconnection', connectionId: 'c2', cause: 'closed' }, later)
      .then([disconnected('c2', 'closed', t1)]);
    const state = after(assignedOnline, { type: 'RecordDisconnection', connectionId: 'c2', cause: 'closed' }, later);
    expect(isOnline(state)).toBe(false);
    expect(state.context).toMatchObject({ lastSeen: t1, authenticated: false, connectionId: undefined, tenantId: 'acme' });
  });

  it('ignores the disconnection of a connection that was already superseded', () => {
    given(deviceAggregate, assignedOnline).when({ type: 'RecordDisconnection', connectionId: 'c1', cause: 'closed' }).then([]);
  });

  it('records which hub node holds the live connection, and forgets it once offline', () => {
    expect(stateAfter(deviceMachine, assignedOnline).context.nodeId).toBe('node-a');
    expect(stateAfter(deviceMachine, assignedOffline).context.nodeId).toBeUndefined();
  });

  it('replays a connection recorded before connections named their node', () => {
    const legacy = { connectionId: 'c1', ip: '192.0.2.1', authenticated: false, at: t0, ...inventory };
    expect(isRight(deviceAggregate.events.decode({ type: 'DeviceConnected', data: legacy }))).toBe(true);
  });

  it('keeps an online device resident, and lets an offline one go', () => {
    expect(deviceAggregate.keepResident?.(stateAfter(deviceMachine, assignedOnline))).toBe(true);
    expect(deviceAggregate.keepResident?.(stateAfter(deviceMachine, assignedOffline))).toBe(false);
  });
});

describe('device decider: assignment', () => {
  it('assigns an unassigned online device with a new password hash', () => {
    given(deviceAggregate, online)
      .when({ type: 'AssignDevice', tenantId: 'acme', passwordHash: 'hash-1', via: 'admin' })
      .then([assigned('acme', 'hash-1')]);
    const state = after(online, { type: 'AssignDevice', tenantId: 'acme', passwordHash: 'hash-1', via: 'admin' });
    expect(state.context).toMatchObject({ tenantId: 'acme', passwordHash: 'hash-1', authenticated: true, passwordDelivered: false });
  });

  it('assigns through a provisioning code, naming the code', () => {
    given(deviceAggregate, online)
      .when({ type: 'AssignDevice', tenantId: 'acme', passwordHash: 'h', via: 'provisioning-code', codeId: 'a'.repeat(32) })
      .then([{ type: 'DeviceAssigned', data: { tenantId: 'acme', passwordHash: 'h', via: 'provisioning-code', codeId: 'a'.repeat(32) } }]);
    given(deviceAggregate, online)
      .when({ type: 'AssignDevice', tenantId: 'acme', passwordHash: 'h', via: 'provisioning-code' })
      .thenFails('validation_failed');
  });

  it('moves an assigned device to another tenant, always with a new password hash', () => {
    given(deviceAggregate, assignedOnline)
      .when({ type: 'AssignDevice', tenantId: 'globex', passwordHash: 'hash-2', via: 'admin' })
      .then([assigned('globex', 'hash-2')]);
    expect(after(assignedOnline, { type: 'AssignDevice', tenantId: 'globex', passwordHash: 'hash-2', via: 'admin' }).context).toMatchObject({
      tenantId: 'globex',
      passwordHash: 'hash-2',
    });
  });

  it('lets an admin give an unauthenticated connection the place, with a new password replacing the old', () => {
    const impostorOnline = [...assignedOffline, connected('c3', false)];
    const state = after(impostorOnline, { type: 'AssignDevice', tenantId: 'acme', passwordHash: 'hash-3', via: 'admin' });
    expect(state.context).toMatchObject({ passwordHash: 'hash-3', authenticated: true, connectionId: 'c3' });
  });

  it('refuses to assign an offline device, whose password could not be delivered', () => {
    given(deviceAggregate, assignedOffline)
      .when({ type: 'AssignDevice', tenantId: 'globex', passwordHash: 'hash-2', via: 'admin' })
      .thenFails('transition_forbidden');
  });

  it('refuses to assign a device that never connected', () => {
    given(deviceAggregate, []).when({ type: 'AssignDevice', tenantId: 'acme', passwordHash: 'h', via: 'admin' }).thenFails('not_found');
  });

  it('unassigns, clearing tenant and password hash; unassigning again changes nothing', () => {
    given(deviceAggregate, assignedOnline).when({ type: 'UnassignDevice' }).then([{ type: 'DeviceUnassigned', data: {} }]);
    const state = after(assignedOnline, { type: 'UnassignDevice' });
    expect(state.context).toMatchObject({ tenantId: undefined, passwordHash: undefined, authenticated: false });
    given(deviceAggregate, online).when({ type: 'UnassignDevice' }).then([]);
  });
});

describe('device decider: passwords and provisioning', () => {
  it('records the delivery of the device password with its assignment, only to the live connection', () => {
    const assignment = { type: 'AssignDevice', tenantId: 'acme', passwordHash: 'hash-1', via: 'admin' } as const;
    given(deviceAggregate, online)
      .when({ ...assignment, deliverTo: 'c1' })
      .then([assigned('acme', 'hash-1'), { type: 'DevicePasswordDelivered', data: { connectionId: 'c1' } }]);
    expect(after(online, { ...assignment, deliverTo: 'c1' }).context).toMatchObject({ tenantId: 'acme', passwordDelivered: true });
    given(deviceAggregate, online).when({ ...assignment, deliverTo: 'old' }).thenFails('transition_forbidden');
  });

  it('deploys the tenant password to an authenticated connection, recording the tenant', () => {
    given(deviceAggregate, assignedOnline)
      .when({ type: 'RecordTenantPasswordDeployed', connectionId: 'c2', tenantId: 'acme' })
      .then([{ type: 'TenantPasswordDeployed', data: { tenantId: 'acme', connectionId: 'c2' } }]);
  });

  it('never deploys the tenant password to a connection without the device password', () => {
    given(deviceAggregate, [...assignedOffline, connected('rogue', false)])
      .when({ type: 'RecordTenantPasswordDeployed', connectionId: 'rogue', tenantId: 'acme' })
      .thenFails('transition_forbidden');
    given(deviceAggregate, online)
      .when({ type: 'RecordTenantPasswordDeployed', connectionId: 'c1', tenantId: 'acme' })
      .thenFails('transition_forbidden');
  });

  it('never deploys a tenant password to a device that has moved to another tenant', () => {
    given(deviceAggregate, assignedOnline)
      .when({ type: 'RecordTenantPasswordDeployed', connectionId: 'c2', tenantId: 'globex' })
      .thenFails('transition_forbidden');
  });

  it('records the tenant password deployment with a connection that proves it is a device of that tenant', () => {
    const withTenantPassword = (command: DeviceCommand, tenantPasswordFor: string): DeviceCommand =>
      command.type === 'RecordConnection' ? { ...command, tenantPasswordFor } : command;
    const deployed = (connectionId: string): DeviceEvent => ({ type: 'TenantPasswordDeployed', data: { tenantId: 'acme', connectionId } });
    given(deviceAggregate, assignedOffline).when(withTenantPassword(connect('c2', true), 'acme')).then([connected('c2', true), deployed('c2')]);
    expect(after(assignedOffline, withTenantPassword(connect('c2', true), 'acme')).context.tenantPasswordDeployments).toBe(1);
    given(deviceAggregate, assignedOnline)
      .when(withTenantPassword(connect('c3', true), 'acme'))
      .then([disconnected('c2', 'superseded'), connected('c3', true), deployed('c3')]);
    expect(after(assignedOnline, withTenantPassword(connect('c3', true), 'acme')).context.tenantPasswordDeployments).toBe(1);
    // Without its password, in another tenant, or unassigned: the connection alone.
    given(deviceAggregate, assignedOffline).when(withTenantPassword(connect('c2', false), 'acme')).then([connected('c2', false)]);
    given(deviceAggregate, assignedOffline).when(withTenantPassword(connect('c2', true), 'globex')).then([connected('c2', true)]);
    given(deviceAggregate, [registered]).when(withTenantPassword(connect('c1', true), 'acme')).then([connected('c1', false)]);
  });

  it('records a refused provisioning attempt on the device stream', () => {
    given(deviceAggregate, online)
      .when({ type: 'RecordProvisioningRefused', ip: '192.0.2.1', reason: 'expired' })
      .then([{ type: 'ProvisioningRefused', data: { ip: '192.0.2.1', reason: 'expired' } }]);
    expect(after(online, { type: 'RecordProvisioningRefused', ip: '192.0.2.1', reason: 'expired' }).context.lastProvisioningRefusal).toBe(
      'expired',
    );
  });
});

describe('device machine', () => {
  it('ignores an authenticated connection of a device that has no password', () => {
    const state = stateAfter(deviceMachine, [registered]);
    expect(state.can(connected('c1', true))).toBe(false);
  });

  it('does not accept a stored connection while another is live', () => {
    const state = stateAfter(deviceMachine, assignedOnline);
    expect(state.can(connected('c9', true))).toBe(false);
  });
});

describe('device decider: the details an admin sets', () => {
  const set = (change: Omit<Extract<DeviceCommand, { type: 'SetDeviceDetails' }>, 'type'>): DeviceCommand => ({ type: 'SetDeviceDetails', ...change });
  const detailsSet = (data: Extract<DeviceEvent, { type: 'DeviceDetailsSet' }>['data']): DeviceEvent => ({ type: 'DeviceDetailsSet', data });

  it('records a name, a site and categories, on- or offline', () => {
    given(deviceAggregate, assignedOffline)
      .when(set({ name: 'PC m01', site: 'Berlin', categories: ['pcs', 'lab'] }))
      .then([detailsSet({ name: 'PC m01', site: 'Berlin', categories: ['pcs', 'lab'] })]);
    given(deviceAggregate, online).when(set({ site: 'Berlin' })).then([detailsSet({ site: 'Berlin' })]);
  });

  it('records only the fields that change, and nothing when none does', () => {
    const named = [...assignedOffline, detailsSet({ name: 'PC m01', site: 'Berlin', categories: ['pcs'] })];
    given(deviceAggregate, named).when(set({ name: 'PC m01', site: 'Hamburg', categories: ['pcs'] })).then([detailsSet({ site: 'Hamburg' })]);
    given(deviceAggregate, named).when(set({ name: 'PC m01', site: 'Berlin', categories: ['pcs', 'pcs'] })).then([]);
    given(deviceAggregate, named).when(set({})).then([]);
    given(deviceAggregate, assignedOffline).when(set({ name: null, site: null, categories: [] })).then([]);
  });

  it('clears a field with null and the categories with an empty list', () => {
    const named = [...assignedOffline, detailsSet({ name: 'PC m01', site: 'Berlin', categories: ['pcs'] })];
    given(deviceAggregate, named).when(set({ name: null, categories: [] })).then([detailsSet({ name: null, categories: [] })]);
    const state = stateAfter(deviceMachine, [...named, detailsSet({ name: null, categories: [] })]);
    expect(state.context).toMatchObject({ name: undefined, site: 'Berlin', adminCategories: [] });
  });

  it('keeps the admin categories apart from those the device reports, across its reconnections', () => {
    const state = stateAfter(deviceMachine, [...assignedOffline, detailsSet({ categories: ['lab'] }), connected('c2', true, t1, '192.0.2.1', newInventory)]);
    expect(state.context.adminCategories).toEqual(['lab']);
    expect(state.context.categories).toEqual(['phones']);
  });

  it('refuses an unknown device and fields past their limits', () => {
    given(deviceAggregate, []).when(set({ name: 'PC m01' })).thenFails('not_found');
    given(deviceAggregate, online).when(set({ name: '' })).thenFails('validation_failed');
    given(deviceAggregate, online).when(set({ site: 'x'.repeat(101) })).thenFails('validation_failed');
    given(deviceAggregate, online).when(set({ categories: ['x'.repeat(201)] })).thenFails('validation_failed');
    given(deviceAggregate, online).when(set({ categories: Array.from({ length: 101 }, (_, i) => `c${i}`) })).thenFails('validation_failed');
  });
});
