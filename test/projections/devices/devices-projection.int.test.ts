import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMac } from '../../../domain/device/mac.js';
import { isTetherError } from '../../../domain/errors.js';
import { devicesProjection, getDevice, listDevices } from '../../../projections/devices/index.js';
import type { ListDevicesOptions } from '../../../projections/devices/index.js';
import type { PublishedChange } from '../../../projections/projection.js';
import { ProjectionFailed } from '../../../projections/projection-failed.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import { tenantsProjection } from '../../../projections/tenants/index.js';
import { dumpTables, event, recordingLogger, workspace, type Workspace } from '../projection-fixtures.js';

let ws: Workspace;
let runner: ProjectionRunner;
let changes: PublishedChange[];

const projections = [tenantsProjection, devicesProjection];

beforeEach(async () => {
  ws = workspace();
  runner = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections, logger: recordingLogger() });
  changes = [];
  runner.onChange((change) => changes.push(change));
  await runner.start();
});

afterEach(async () => {
  await runner.stop();
  await ws.dispose();
});

const minute = (n: number): string => `2026-03-01T10:${String(n).padStart(2, '0')}:00.000Z`;
const phone = { model: 'IP232', firmware: '13r1', apps: [{ name: 'devices', version: '13r1' }], categories: ['phones'] };

async function append(stream: string, type: string, data: Record<string, unknown>, at = minute(0)): Promise<number> {
  const { position } = await ws.store.append(stream, [event(type, data, at)], 'any');
  await runner.waitFor(position, 5000);
  return position;
}

const device = (mac: string, type: string, data: Record<string, unknown> = {}, at = minute(0)): Promise<number> =>
  append(`device-${mac}`, type, data, at);

const register = (mac: string, inventory: Record<string, unknown> = phone): Promise<number> => device(mac, 'DeviceRegistered', { mac, ...inventory });

const connect = (mac: string, connectionId: string, authenticated: boolean, at = minute(1), inventory: Record<string, unknown> = phone): Promise<number> =>
  device(mac, 'DeviceConnected', { connectionId, ip: '192.0.2.7', authenticated, at, ...inventory }, at);

const disconnect = (mac: string, connectionId: string, at = minute(5)): Promise<number> =>
  device(mac, 'DeviceDisconnected', { connectionId, cause: 'closed', at }, at);

const assign = (mac: string, tenantId: string, at = minute(2)): Promise<number> =>
  device(mac, 'DeviceAssigned', { tenantId, passwordHash: 'scrypt$device', via: 'admin' }, at);

const createTenant = (tenantId: string): Promise<number> =>
  append(`tenant-${tenantId}`, 'TenantCreated', { tenantId, name: tenantId, passwordHash: 'scrypt$tenant' });

/** The listed devices' MACs, back in the canonical form the test writes its streams with. */
const macs = (options: Omit<ListDevicesOptions, 'limit'> = {}): string[] =>
  runner.read((db) => listDevices(db, { limit: 100, ...options })).map((view) => parseMac(view.mac));

const internalTenant = (mac: string): unknown =>
  runner.read((db) => db.prepare('SELECT tenant_id FROM devices WHERE mac = ?').pluck().get(mac));

describe('devices projection', () => {
  it('shows a MAC never seen before as a registered, unassigned device, to admins only', async () => {
    await register('001122aabbcc');
    const connected = await connect('001122aabbcc', 'c1', false, minute(1));

    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toEqual({
      mac: '00:11:22:AA:BB:CC',
      tenant: null,
      state: 'unassigned',
      online: true,
      ip: '192.0.2.7',
      lastSeen: minute(1),
      connectedSince: minute(1),
      ...phone,
      software: [],
      name: null,
      site: null,
      adminCategories: [],
      registeredAt: minute(0),
      updatedAt: minute(1),
    });
    expect(changes.at(-1)).toMatchObject({ name: 'device.changed', tenants: [], position: connected, payload: { state: 'unassigned' } });
    expect(runner.read((db) => getDevice(db, '00112233aabb'))).toBeUndefined();
  });

  it('keeps the name, site and categories an admin set, filters by them and by reported categories, across reconnections', async () => {
    await register('001122aabbcc');
    await register('001122aabbdd');
    await connect('001122aabbcc', 'c1', false, minute(1));
    await device('001122aabbcc', 'DeviceDetailsSet', { name: 'PC m01', site: 'Berlin', categories: ['lab'] }, minute(2));
    await disconnect('001122aabbcc', 'c1', minute(3));
    await connect('001122aabbcc', 'c2', false, minute(4), { ...phone, categories: ['gateways'] });
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({ name: 'PC m01', site: 'Berlin', categories: ['gateways'], adminCategories: ['lab'] });
    expect(macs({ category: 'lab' })).toEqual(['001122aabbcc']);
    expect(macs({ category: 'gateways' })).toEqual(['001122aabbcc']);
    expect(macs({ category: 'phones' })).toEqual(['001122aabbdd']);
    expect(macs({ site: 'Berlin' })).toEqual(['001122aabbcc']);
    expect(macs({ q: 'm01' })).toEqual(['001122aabbcc']);

    await device('001122aabbcc', 'DeviceDetailsSet', { name: null, categories: [] }, minute(5));
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({ name: null, site: 'Berlin', adminCategories: [] });
    expect(macs({ category: 'lab' })).toEqual([]);
  });

  it('shows the software a device reports; an inventory recorded without it means none', async () => {
    const software = [{ name: 'myapps', version: '1.0' }];
    await register('001122aabbcc', { ...phone, software });
    const show = (): unknown => runner.read((db) => getDevice(db, '001122aabbcc'))?.software;
    expect(show()).toEqual(software);
    // A connection without an inventory: the device reported the one recorded.
    await device('001122aabbcc', 'DeviceConnected', { connectionId: 'c1', ip: '192.0.2.7', authenticated: false, at: minute(1) }, minute(1));
    expect(show()).toEqual(software);
    await disconnect('001122aabbcc', 'c1', minute(2));
    await connect('001122aabbcc', 'c2', false, minute(3), { ...phone, software: [{ name: 'myapps', version: '2.0' }] });
    expect(show()).toEqual([{ name: 'myapps', version: '2.0' }]);
    await disconnect('001122aabbcc', 'c2', minute(4));
    await connect('001122aabbcc', 'c3', false, minute(5));
    expect(show()).toEqual([]);
  });

  it('lists an assigned device online, then offline with lastSeen, each change naming its tenant alone (grantees hear it by their scope)', async () => {
    await createTenant('acme');
    await createTenant('globex');
    await append('tenant-globex', 'TenantAccessGranted', { tenantId: 'globex', grantedTenantId: 'acme' });
    await register('001122aabbcc');
    await connect('001122aabbcc', 'c1', false, minute(1));
    const assigned = await assign('001122aabbcc', 'acme', minute(2));

    expect(changes.at(-1)).toMatchObject({
      name: 'device.changed',
      tenants: ['acme'],
      position: assigned,
      payload: { mac: '00:11:22:AA:BB:CC', tenant: 'acme', state: 'online', online: true, connectedSince: minute(1), updatedAt: minute(2) },
    });

    await disconnect('001122aabbcc', 'c1', minute(9));
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({
      tenant: 'acme',
      state: 'offline',
      online: false,
      ip: '192.0.2.7',
      lastSeen: minute(9),
      connectedSince: null,
    });
    expect(changes.at(-1)?.tenants).toEqual(['acme']);
  });

  it('shows a connection without the device password as unassigned, keeps the assignment, and gives it back to the real device', async () => {
    await createTenant('acme');
    await register('001122aabbcc');
    await connect('001122aabbcc', 'c1', false, minute(1));
    await assign('001122aabbcc', 'acme');
    await disconnect('001122aabbcc', 'c1', minute(3));

    // After a long reset the device says hello without its password.
    const reset = await connect('001122aabbcc', 'c2', false, minute(4), { ...phone, firmware: '13r2' });
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({ tenant: null, state: 'unassigned', online: true, firmware: '13r2' });
    expect(changes.at(-1)).toMatchObject({ tenants: [], position: reset, payload: { tenant: null, state: 'unassigned' } });
    expect(internalTenant('001122aabbcc')).toBe('acme');
    expect(macs({ visibleTo: ['acme'] })).toEqual([]);
    expect(macs({ tenant: 'acme' })).toEqual([]);
    expect(macs({ state: 'unassigned' })).toEqual(['001122aabbcc']);

    await disconnect('001122aabbcc', 'c2', minute(6));
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({ tenant: 'acme', state: 'offline' });
    await connect('001122aabbcc', 'c3', true, minute(7));
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({ tenant: 'acme', state: 'online' });
    expect(changes.at(-1)?.tenants).toEqual(['acme']);
  });

  it('forgets the tenant on unassignment and ignores the end of a connection that is not the live one', async () => {
    await createTenant('acme');
    await register('001122aabbcc');
    await connect('001122aabbcc', 'c1', false);
    await assign('001122aabbcc', 'acme');
    const published = changes.length;
    await disconnect('001122aabbcc', 'stale');
    expect(changes).toHaveLength(published);
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))?.state).toBe('online');

    await device('001122aabbcc', 'DeviceUnassigned', {}, minute(8));
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({ tenant: null, state: 'unassigned', online: true });
    expect(internalTenant('001122aabbcc')).toBeNull();
    expect(changes.at(-1)?.tenants).toEqual([]);
  });

  it('tolerates fields it does not list, such as the node holding the connection', async () => {
    await register('001122aabbcc');
    await device('001122aabbcc', 'DeviceConnected', { connectionId: 'c1', ip: '192.0.2.9', authenticated: false, at: minute(1), nodeId: 'node-1', ...phone });
    expect(runner.read((db) => getDevice(db, '001122aabbcc'))).toMatchObject({ online: true, ip: '192.0.2.9' });
    expect(JSON.stringify(changes.at(-1)?.payload)).not.toContain('node-1');
  });

  it('publishes nothing and changes nothing for events the list does not show', async () => {
    await createTenant('acme');
    await register('001122aabbcc');
    await connect('001122aabbcc', 'c1', false);
    await assign('001122aabbcc', 'acme');
    const before = runner.read((db) => dumpTables(db, ['devices']));
    const published = changes.length;
    await device('001122aabbcc', 'DevicePasswordDelivered', { connectionId: 'c1' });
    await device('001122aabbcc', 'TenantPasswordDeployed', { tenantId: 'acme', connectionId: 'c1' });
    await device('001122aabbcc', 'DeviceConnectionRefused', { ip: '198.51.100.1', reason: 'already-connected' });
    await device('001122aabbcc', 'ProvisioningRefused', { ip: '198.51.100.1', reason: 'expired' });
    expect(changes).toHaveLength(published);
    expect(runner.read((db) => dumpTables(db, ['devices']))).toEqual(before);
    expect(JSON.stringify(before)).not.toContain('scrypt');
  });

  it('filters by tenant, state, category, model, firmware and text, and pages by MAC', async () => {
    await createTenant('acme');
    await register('00000000000a');
    await connect('00000000000a', 'a', false);
    await assign('00000000000a', 'acme');
    const gateway = { model: 'IP811', firmware: '13r2', apps: [], categories: ['gateways', 'lobby'] };
    await register('00000000000b', gateway);
    await register('00000000000c');
    await connect('00000000000c', 'c', false);

    expect(macs()).toEqual(['00000000000a', '00000000000b', '00000000000c']);
    expect(macs({ tenant: 'acme' })).toEqual(['00000000000a']);
    expect(macs({ state: 'online' })).toEqual(['00000000000a']);
    expect(macs({ state: 'offline' })).toEqual([]);
    expect(macs({ state: 'unassigned' })).toEqual(['00000000000b', '00000000000c']);
    expect(macs({ category: 'lobby' })).toEqual(['00000000000b']);
    expect(macs({ category: 'phones', state: 'unassigned' })).toEqual(['00000000000c']);
    expect(macs({ model: 'IP811' })).toEqual(['00000000000b']);
    expect(macs({ firmware: '13r1' })).toEqual(['00000000000a', '00000000000c']);
    expect(macs({ q: '00:00:00:00:00:0B' })).toEqual(['00000000000b']);
    expect(macs({ q: 'ip8' })).toEqual(['00000000000b']);
    expect(macs({ q: '%' })).toEqual([]);
    expect(macs({ visibleTo: ['acme', 'globex'] })).toEqual(['00000000000a']);
    expect(macs({ visibleTo: [] })).toEqual([]);
    expect(runner.read((db) => listDevices(db, { limit: 2 })).map((v) => v.mac)).toEqual(['00:00:00:00:00:0A', '00:00:00:00:00:0B']);
    expect(runner.read((db) => listDevices(db, { limit: 2, after: '00000000000b' })).map((v) => v.mac)).toEqual(['00:00:00:00:00:0C']);
  });

  it('rebuilds to the same tables as built incrementally', async () => {
    await createTenant('acme');
    for (const mac of ['001122000001', '001122000002', '001122000003']) {
      await register(mac);
      await connect(mac, `c-${mac}`, false);
    }
    await assign('001122000001', 'acme');
    await assign('001122000002', 'acme');
    await disconnect('001122000002', 'c-001122000002');
    await connect('001122000002', 'again', false, minute(7), { ...phone, categories: ['lobby'] });
    await disconnect('001122000003', 'c-001122000003');
    // Categories are rewritten only when a connection brings others.
    expect(macs({ category: 'lobby' })).toEqual(['001122000002']);
    expect(macs({ category: 'phones' })).toEqual(['001122000001', '001122000003']);
    const tables = ['devices', 'device_categories', 'checkpoints'];
    const incremental = runner.read((db) => dumpTables(db, tables));

    const fresh = new ProjectionRunner({ store: ws.store, file: `${ws.dir}/readmodels-other.db`, projections, logger: recordingLogger() });
    await fresh.rebuild();
    await fresh.start();
    expect(fresh.read((db) => dumpTables(db, tables))).toEqual(incremental);
    await fresh.stop();
  });

  it('stops loudly on a stored device event that fails its codec', async () => {
    await register('001122aabbcc');
    await ws.store.append('device-001122aabbcc', [event('DeviceConnected', { connectionId: 'c1', authenticated: 'yes', at: minute(1), ...phone })], 'any');

    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toBeInstanceOf(ProjectionFailed);
    const { failure } = runner;
    expect(failure instanceof ProjectionFailed && failure.projection === 'devices' && isTetherError(failure.cause, 'corrupt_event')).toBe(true);
    expect(failure?.details).toEqual(expect.arrayContaining(['data.ip', 'data.authenticated']));
  });

  it('stops loudly on an event of a device never registered', async () => {
    await ws.store.append('device-001122aabbcc', [event('DeviceUnassigned', {})], 'no_stream');
    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toThrow(/never registered/);
  });

  it('stops loudly on a registration whose MAC is not its stream id', async () => {
    await ws.store.append('device-001122aabbcc', [event('DeviceRegistered', { mac: '00:11:22:AA:BB:CD', ...phone })], 'no_stream');
    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toThrow(/names device 001122aabbcd/);
  });
});
