// Issue 14, point 1: while an assigned device is offline, anyone can say hello with its MAC and
// no password; that connection is welcomed as unassigned. Nothing the hub sends to a device may
// reach it: no restore (with its WebDAV credentials), no DeviceLink, no new device password.
// Each is refused with 409 device_unauthenticated, and nothing is appended.
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceClient, storedEvent } from './gateway-client.js';
import { jobEvent, macOf, ok, startAgents, startJobHub, tenant, tenantWithCode, withDevice } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

let test: JobHub | undefined;
let agents: SimulatedAgent[] = [];
let impostor: DeviceClient | undefined;

afterEach(async () => {
  await impostor?.close();
  impostor = undefined;
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test?.destroy();
  test = undefined;
});

/** A hub whose assigned device went offline, and a connection claiming its MAC without the password. */
async function impostorOfAssignedDevice(whileOnline?: (hub: JobHub, admin: string) => Promise<void>): Promise<{ hub: JobHub; admin: string; mac: string; client: DeviceClient }> {
  const hub = await startJobHub({ jobs: { resumeGraceMs: 0, restoreTimeoutMs: 60_000 } });
  test = hub;
  const admin = await hub.admin();
  const code = await tenantWithCode(hub, admin);
  agents = await startAgents(1, { url: hub.gatewayUrl, code });
  await whileOnline?.(hub, admin);
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  const mac = macOf(0);
  await storedEvent(hub.hub.store, `device-${mac}`, (event) => event.type === 'DeviceDisconnected');
  const client = await DeviceClient.hello(hub.gatewayUrl, mac);
  impostor = client;
  expect(await client.expect('welcome')).toEqual({ type: 'welcome', state: 'unassigned' });
  await storedEvent(hub.hub.store, `device-${mac}`, (event) => event.type === 'DeviceConnected' && event.data.authenticated === false);
  return { hub, admin, mac, client };
}

const lastPosition = async (hub: JobHub): Promise<number | undefined> =>
  (await hub.hub.store.readAll({ maxCount: 100_000 })).at(-1)?.position;

/** The hub's answer, unless the impostor hears from the hub first (then the test fails, naming what it heard). */
async function answerBeforeImpostorHears(client: DeviceClient, answer: Promise<{ statusCode: number; body: string }>): Promise<{ statusCode: number; body: string }> {
  const heard = client.next().then((message) => {
    throw new Error(`the unproved connection was sent ${JSON.stringify(message)}`);
  });
  heard.catch(() => undefined);
  return Promise.race([answer, heard]);
}

const codeOf = (body: string): string => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('a connection that did not prove the device password', () => {
  it('is sent no restore, no WebDAV credentials, and nothing is recorded', async () => {
    const { hub, admin, mac, client } = await impostorOfAssignedDevice();
    const before = await lastPosition(hub);
    const restore = hub.call({
      method: 'POST',
      url: `/api/v1/devices/${mac}/restore`,
      token: admin,
      payload: { url: 'http://backups.example/dav/device.cfg', auth: { type: 'basic', username: 'restorer', password: 'webdav secret' } },
    });
    const response = await answerBeforeImpostorHears(client, restore);
    expect(response.statusCode, response.body).toBe(409);
    expect(codeOf(response.body)).toBe('device_unauthenticated');
    expect(await lastPosition(hub)).toBe(before);
    expect(client.pending()).toEqual([]);
  });

  it('gets no DeviceLink', async () => {
    const { hub, admin, mac, client } = await impostorOfAssignedDevice();
    const before = await lastPosition(hub);
    const response = await answerBeforeImpostorHears(client, hub.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token: admin, payload: { protocol: 'tcp', devicePort: 22 } }));
    expect(response.statusCode, response.body).toBe(409);
    expect(codeOf(response.body)).toBe('device_unauthenticated');
    expect(await lastPosition(hub)).toBe(before);
  });

  it('is not handed a new device password by a move to another tenant', async () => {
    const { hub, admin, mac, client } = await impostorOfAssignedDevice();
    await ok(hub.call({ method: 'POST', url: '/api/v1/tenants', token: admin, payload: { id: 'other', name: 'Other', password: 'other-password' } }), 201);
    const before = await lastPosition(hub);
    const response = await answerBeforeImpostorHears(client, hub.call({ method: 'POST', url: `/api/v1/devices/${mac}/assign`, token: admin, payload: { tenant: 'other' } }));
    expect(response.statusCode, response.body).toBe(409);
    expect(codeOf(response.body)).toBe('device_unauthenticated');
    expect(await lastPosition(hub)).toBe(before);
    expect(client.pending()).toEqual([]);
  });

  it("cannot answer the device's job request in its place", async () => {
    let jobId = '';
    const { hub, mac, client } = await impostorOfAssignedDevice(async (started, token) => {
      const body = { name: 'backup', tenants: [tenant], categories: [], timeoutMs: 60_000, target: { url: 'http://dav.example/b', auth: { type: 'none' } } };
      jobId = ((await ok(started.call({ method: 'POST', url: '/api/v1/backup-jobs', token, payload: body }), 201)) as { id: string }).id;
      const [agent] = agents;
      await agent?.until(() => agent.backups.length === 1);
    });
    client.send({ type: 'backup-result', jobId, ok: true, bytes: 1 });
    // The hub reads a connection's messages in order: once it answers the ping, it has read the result.
    client.send({ type: 'ping' });
    await client.expect('pong');
    hub.clock.advance(60_000);
    const settled = await jobEvent(hub, `backupjob-${jobId}`, withDevice('settled', mac));
    expect(settled.data.devices).toEqual([expect.objectContaining({ mac, outcome: 'failed', cause: 'timeout' })]);
  });
});
