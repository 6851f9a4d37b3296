// The device gateway against a real hub on 127.0.0.1: registration by MAC, passwords,
// superseding, malformed messages, assignment and its rights, tenant password deployment.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isAssigned, isOnline } from '../../domain/device/decide.js';
import { parseMac } from '../../domain/device/mac.js';
import { DeviceClient, listen, storedEvent, typesOf } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

let t: TestHub;
let url: string;
let admin: string;

beforeAll(async () => {
  t = await startTestHub({ gateway: { helloTimeoutMs: 1000 } });
  url = await listen(t.hub);
  admin = await t.adminToken();
  for (const id of ['acme', 'globex', 'initech']) await t.createTenant(admin, id);
  // initech's admins also see globex.
  expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/initech/grants/globex', token: admin })).statusCode).toBe(200);
  await setDeployment('globex', false);
  await setDeployment('initech', false);
});
afterAll(async () => t.close());

async function setDeployment(tenant: string, enabled: boolean, token = admin): Promise<number> {
  const response = await t.call({ method: 'PUT', url: `/api/v1/tenants/${tenant}/password-deployment`, token, payload: { enabled } });
  return response.statusCode;
}

const assign = (mac: string, tenant: string, token = admin) =>
  t.call({ method: 'POST', url: `/api/v1/devices/${mac}/assign`, token, payload: { tenant } });

async function deviceState(mac: string) {
  return (await t.hub.runtime.load(deviceAggregate, parseMac(mac))).state;
}

/** A device online and assigned to a tenant that does not deploy its password; returns its password. */
async function assignedDevice(mac: string, tenant = 'globex'): Promise<{ client: DeviceClient; password: string }> {
  const client = await DeviceClient.hello(url, mac);
  expect(await client.expect('welcome')).toEqual({ type: 'welcome', state: 'unassigned' });
  const response = await assign(mac, tenant);
  expect(response.statusCode, response.body).toBe(200);
  const { password } = await client.expect('device-password');
  return { client, password };
}

const offline = async (client: DeviceClient, mac: string): Promise<void> => {
  await client.close();
  await storedEvent(t.hub.store, `device-${mac}`, (e) => e.type === 'DeviceDisconnected' && e.data.cause === 'closed');
};

/** Every byte of the event log, WAL included: a secret in clear would be found here. */
function eventLogBytes(): string {
  const files = ['events.db', 'events.db-wal'].map((name) => join(t.dataDir, name)).filter((file) => existsSync(file));
  return files.map((file) => readFileSync(file).toString('latin1')).join('');
}

describe('registration by MAC', () => {
  it('registers a MAC never seen before as an unassigned device that is online, with its address and node', async () => {
    const client = await DeviceClient.hello(url, '00:11:22:aa:BB:cc');
    expect(await client.expect('welcome')).toEqual({ type: 'welcome', state: 'unassigned' });
    expect(await typesOf(t.hub.store, 'device-001122aabbcc')).toEqual(['DeviceRegistered', 'DeviceConnected']);
    const [registered, connected] = await t.hub.store.readStream('device-001122aabbcc');
    expect(registered?.data).toMatchObject({ model: 'IP232' });
    expect(connected?.data).toMatchObject({ ip: '127.0.0.1', authenticated: false, nodeId: 'test' });
    expect(connected?.metadata.ip).toBe('127.0.0.1');
    const state = await deviceState('001122aabbcc');
    expect(isOnline(state) && !isAssigned(state)).toBe(true);
    await offline(client, '001122aabbcc');
  });

  it('takes the MAC in each accepted form as the same device', async () => {
    for (const form of ['00:11:22:aa:bb:01', '00-11-22-AA-BB-01', '001122AABB01']) {
      const client = await DeviceClient.hello(url, form);
      await client.expect('welcome');
      await offline(client, '001122aabb01');
    }
    const types = await typesOf(t.hub.store, 'device-001122aabb01');
    expect(types.filter((type) => type === 'DeviceRegistered')).toHaveLength(1);
    expect(types.filter((type) => type === 'DeviceConnected')).toHaveLength(3);
  });

  it('answers a malformed MAC with an error naming the accepted forms, and closes', async () => {
    const client = await DeviceClient.hello(url, '00:11:22:33:44');
    const error = await client.expect('error');
    expect(error).toMatchObject({ code: 'validation_failed', details: ['mac'] });
    expect(error.message).toContain('00:11:22:AA:BB:CC, 00-11-22-AA-BB-CC or 001122AABBCC');
    expect(await client.expect('closing')).toEqual({ type: 'closing', cause: 'invalid-messages' });
    expect((await client.closed).code).toBe(1008);
  });
});

describe('malformed messages', () => {
  it('answers each invalid message with an error and closes after three', async () => {
    const client = await DeviceClient.open(url);
    client.send('not json');
    expect(await client.expect('error')).toMatchObject({ code: 'validation_failed' });
    client.send({ type: 'teleport' });
    expect(await client.expect('error')).toMatchObject({ code: 'validation_failed', details: ['type'] });
    client.send({ type: 'hello', mac: '001122aabb02' });
    expect((await client.expect('error')).details).toEqual(expect.arrayContaining(['model', 'firmware', 'apps']));
    expect(await client.expect('closing')).toEqual({ type: 'closing', cause: 'invalid-messages' });
    expect((await client.closed).code).toBe(1008);
  });

  it('wants hello first, refuses binary frames, and keeps a connection that recovers', async () => {
    const client = await DeviceClient.open(url);
    client.send({ type: 'ping' });
    expect((await client.expect('error')).message).toContain('hello');
    client.send(Buffer.from([1, 2, 3]));
    expect((await client.expect('error')).message).toContain('binary');
    client.send({ type: 'hello', mac: '001122aabb03', model: 'm', firmware: 'f', apps: [], categories: [], agentVersion: 'v' });
    await client.expect('welcome');
    client.send({ type: 'ping' });
    await client.expect('pong');
    await offline(client, '001122aabb03');
  });

  it('closes a connection that does not say hello in time', async () => {
    const client = await DeviceClient.open(url);
    expect(await client.expect('closing')).toEqual({ type: 'closing', cause: 'timeout' });
    await client.closed;
  });
});

describe('passwords and the one live connection', () => {
  it('delivers a password once on assignment and stores it only as a hash', async () => {
    const { client, password } = await assignedDevice('0011223344a1');
    expect(password.length).toBeGreaterThanOrEqual(32);
    const events = await t.hub.store.readStream('device-0011223344a1');
    const assignedEvent = events.find((e) => e.type === 'DeviceAssigned');
    expect(assignedEvent?.data).toMatchObject({ tenantId: 'globex', via: 'admin' });
    expect(String(assignedEvent?.data.passwordHash)).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['DeviceAssigned', 'DevicePasswordDelivered']);
    expect(eventLogBytes()).not.toContain(password);
    expect(client.pending()).toEqual([]);
    await offline(client, '0011223344a1');

    const back = await DeviceClient.hello(url, '0011223344a1', { password });
    expect(await back.expect('welcome')).toEqual({ type: 'welcome', state: 'assigned', tenant: 'globex' });
    await offline(back, '0011223344a1');
  });

  it('shows a device with a wrong password, or none, as unassigned and leaves its assignment alone', async () => {
    const { client } = await assignedDevice('0011223344a2');
    const { passwordHash } = (await deviceState('0011223344a2')).context;
    await offline(client, '0011223344a2');
    for (const extra of [{ password: 'not-the-password' }, {}]) {
      const impostor = await DeviceClient.hello(url, '0011223344a2', extra);
      expect(await impostor.expect('welcome')).toEqual({ type: 'welcome', state: 'unassigned' });
      const state = await deviceState('0011223344a2');
      expect(state.context).toMatchObject({ authenticated: false, tenantId: 'globex', passwordHash });
      await offline(impostor, '0011223344a2');
    }
  });

  it('lets a second connection with the password supersede the first, and refuses one without it', async () => {
    const { client: first, password } = await assignedDevice('0011223344a3');
    const second = await DeviceClient.hello(url, '0011223344a3', { password });
    expect(await first.expect('closing')).toEqual({ type: 'closing', cause: 'superseded' });
    expect((await first.closed).code).toBe(4001);
    await second.expect('welcome');

    const rogue = await DeviceClient.hello(url, '0011223344a3');
    expect(await rogue.expect('closing')).toEqual({ type: 'closing', cause: 'already-connected' });
    await rogue.closed;
    const types = await typesOf(t.hub.store, 'device-0011223344a3');
    expect(types.slice(-3)).toEqual(['DeviceDisconnected', 'DeviceConnected', 'DeviceConnectionRefused']);
    const state = await deviceState('0011223344a3');
    expect(state.context).toMatchObject({ authenticated: true, connectionId: (await t.hub.store.readStream('device-0011223344a3')).at(-2)?.data.connectionId });
    second.send({ type: 'ping' });
    await second.expect('pong');
    await offline(second, '0011223344a3');
  });
});

describe('assignment endpoints', () => {
  it('moves a device to another tenant and unassigns it, each time with what the rights allow', async () => {
    const { client } = await assignedDevice('0011223344b1', 'globex');
    const initech = await t.tenantToken('initech', 'initech-password');
    const acme = await t.tenantToken('acme', 'acme-password');
    // acme sees neither the device nor globex.
    expect((await assign('0011223344b1', 'acme', acme)).statusCode).toBe(404);
    // initech sees globex through its grant, so it may move the device to itself.
    const moved = await assign('00-11-22-33-44-B1', 'initech', initech);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toEqual({ mac: '00:11:22:33:44:B1', tenant: 'initech' });
    const { password } = await client.expect('device-password');
    expect((await deviceState('0011223344b1')).context).toMatchObject({ tenantId: 'initech', authenticated: true });
    // ...but not to a tenant it does not see.
    expect((await assign('0011223344b1', 'acme', initech)).statusCode).toBe(404);

    const unassigned = await t.call({ method: 'POST', url: '/api/v1/devices/0011223344b1/unassign', token: initech });
    expect(unassigned.statusCode, unassigned.body).toBe(200);
    expect(unassigned.json()).toEqual({ mac: '00:11:22:33:44:B1', tenant: null });
    expect(isAssigned(await deviceState('0011223344b1'))).toBe(false);
    // Unassigned now: no tenant-admin sees it any more.
    expect((await assign('0011223344b1', 'initech', initech)).statusCode).toBe(404);
    expect(eventLogBytes()).not.toContain(password);
    await offline(client, '0011223344b1');
  });

  it('hides unassigned devices from tenant-admins, refuses offline devices and malformed MACs', async () => {
    const client = await DeviceClient.hello(url, '0011223344b2');
    await client.expect('welcome');
    const globex = await t.tenantToken('globex', 'globex-password');
    expect((await assign('0011223344b2', 'globex', globex)).statusCode).toBe(404);
    expect((await t.call({ method: 'POST', url: '/api/v1/devices/0011223344b2/unassign', token: globex })).statusCode).toBe(404);
    await offline(client, '0011223344b2');

    const refused = await assign('0011223344b2', 'globex');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('offline');
    const malformed = await assign('00:11:22:33:44', 'globex');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toMatchObject({ code: 'validation_failed', details: ['params.mac'] });
    expect((await assign('0011223344ff', 'globex')).statusCode).toBe(404);
    expect((await assign('0011223344b2', 'no-such-tenant')).statusCode).toBe(404);
    expect((await t.call({ method: 'POST', url: '/api/v1/devices/0011223344b2/assign' })).statusCode).toBe(401);
  });
});

describe('tenant password deployment', () => {
  it('deploys the tenant password at assignment, at each reconnect and on every change, recording each without it', async () => {
    const client = await DeviceClient.hello(url, '0011223344c1');
    await client.expect('welcome');
    expect((await assign('0011223344c1', 'acme')).statusCode).toBe(200);
    const { password } = await client.expect('device-password');
    expect(await client.expect('tenant-password')).toEqual({ type: 'tenant-password', password: 'acme-password' });
    await offline(client, '0011223344c1');

    const back = await DeviceClient.hello(url, '0011223344c1', { password });
    await back.expect('welcome');
    expect((await back.expect('tenant-password')).password).toBe('acme-password');

    const changed = await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/password', token: admin, payload: { password: 'acme-password-2' } });
    expect(changed.statusCode).toBe(200);
    expect((await back.expect('tenant-password')).password).toBe('acme-password-2');

    const deployed = (await t.hub.store.readStream('device-0011223344c1')).filter((e) => e.type === 'TenantPasswordDeployed');
    expect(deployed).toHaveLength(3);
    expect(deployed.at(-1)?.data).toMatchObject({ tenantId: 'acme' });
    expect(deployed.at(-1)?.metadata.correlationId).toBe(changed.headers['x-request-id']);
    const log = eventLogBytes();
    expect(log).not.toContain('acme-password');
    expect(log).toContain('sealedPassword');
    await offline(back, '0011223344c1');
  });

  it('sends nothing while turned off, and deploys again once turned back on', async () => {
    const { client, password } = await assignedDevice('0011223344c2', 'initech');
    const tenantAdmin = await t.tenantToken('initech', 'initech-password');
    await offline(client, '0011223344c2');
    // A tenant-admin of a granted tenant may not change globex's setting; its own, yes.
    expect(await setDeployment('globex', true, tenantAdmin)).toBe(403);

    const back = await DeviceClient.hello(url, '0011223344c2', { password });
    await back.expect('welcome');
    const changed = await t.call({ method: 'PUT', url: '/api/v1/tenants/initech/password', token: admin, payload: { password: 'initech-new-1' } });
    expect(changed.statusCode).toBe(200);
    // The password change voided the tenant-admin's token: it logs in with the new password.
    const renewed = await t.tenantToken('initech', 'initech-new-1');
    const turnedOn = await t.call({ method: 'PUT', url: '/api/v1/tenants/initech/password-deployment', token: renewed, payload: { enabled: true } });
    expect(turnedOn.statusCode).toBe(200);
    expect(turnedOn.json()).toMatchObject({ id: 'initech', passwordDeployment: true });
    // The first message after the welcome: nothing went out while it was off.
    expect(await back.expect('tenant-password')).toEqual({ type: 'tenant-password', password: 'initech-new-1' });

    expect(await setDeployment('initech', false, renewed)).toBe(200);
    expect((await t.call({ method: 'GET', url: '/api/v1/tenants/initech', token: admin })).json()).toMatchObject({ passwordDeployment: false });
    const types = await typesOf(t.hub.store, 'tenant-initech');
    expect(types.filter((type) => type === 'TenantPasswordDeploymentChanged')).toHaveLength(3);
    expect((await t.hub.store.readStream('device-0011223344c2')).filter((e) => e.type === 'TenantPasswordDeployed')).toHaveLength(1);
    await offline(back, '0011223344c2');
  });

  it('validates the setting and hides other tenants', async () => {
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/password-deployment', token: admin, payload: { enabled: 'yes' } })).statusCode).toBe(400);
    const globex = await t.tenantToken('globex', 'globex-password');
    expect(await setDeployment('acme', false, globex)).toBe(404);
    expect(await setDeployment('no-such', false)).toBe(404);
  });
});

describe('provisioning codes at hello', () => {
  async function issue(tenant: string, body: object = {}): Promise<{ code: string; codeId: string }> {
    const response = await t.call({ method: 'POST', url: `/api/v1/tenants/${tenant}/provisioning-codes`, token: admin, payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  it('assigns a device that redeems a live code and delivers its password', async () => {
    const { code, codeId } = await issue('globex');
    const client = await DeviceClient.hello(url, '0011223344d1', { code: code.toLowerCase() });
    const { password } = await client.expect('device-password');
    expect(await client.expect('welcome')).toEqual({ type: 'welcome', state: 'assigned', tenant: 'globex' });
    const events = await t.hub.store.readStream('device-0011223344d1');
    expect(events.find((e) => e.type === 'DeviceAssigned')?.data).toMatchObject({ tenantId: 'globex', via: 'provisioning-code', codeId });
    expect(eventLogBytes()).not.toContain(password);
    expect(eventLogBytes()).not.toContain(code);
    await offline(client, '0011223344d1');
  });

  async function refused(mac: string, code: string, reason: string): Promise<void> {
    const client = await DeviceClient.hello(url, mac, { code });
    expect(await client.expect('provisioning-refused')).toEqual({ type: 'provisioning-refused', reason });
    expect(await client.expect('welcome')).toEqual({ type: 'welcome', state: 'unassigned' });
    const recorded = await storedEvent(t.hub.store, `device-${mac}`, (e) => e.type === 'ProvisioningRefused');
    expect(recorded.data).toEqual({ ip: '127.0.0.1', reason });
    expect(isAssigned(await deviceState(mac))).toBe(false);
    await offline(client, mac);
  }

  it('refuses an unknown code', async () => {
    await refused('0011223344d2', 'NOPE-NOPE-NOPE', 'unknown');
  });

  it('refuses a revoked code', async () => {
    const { code, codeId } = await issue('globex');
    expect((await t.call({ method: 'DELETE', url: `/api/v1/tenants/globex/provisioning-codes/${codeId}`, token: admin })).statusCode).toBe(204);
    await refused('0011223344d3', code, 'revoked');
  });

  it('refuses a code used by as many devices as it allows', async () => {
    const { code } = await issue('globex', { maxUses: 1 });
    const first = await DeviceClient.hello(url, '0011223344d4', { code });
    await first.expect('device-password');
    await refused('0011223344d5', code, 'used-up');
    await offline(first, '0011223344d4');
  });

  it('refuses a code one hour after issue (injected clock)', async () => {
    const { code } = await issue('globex');
    t.clock.advance(60 * 60 * 1000);
    await refused('0011223344d6', code, 'expired');
  });
});
