// The DeviceLink API against a real hub with a real device connection on 127.0.0.1: opening
// and closing links, who may, and every bad request refused with nothing opened and nothing
// appended (the store's head does not move).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { Devices } from './devices-fixture.js';
import { DeviceClient, listen } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const key = 'a'.repeat(64);
const iv = '0123456789abcdef'.repeat(2);

interface Opened {
  readonly devicePort: number;
  readonly timeout?: number;
  readonly source?: { host: string; port: number };
  readonly encrypt?: { key: string; initializationVector: string };
  readonly port: number;
  readonly token: string;
}

/** A window of ports no other test file asks for, most likely. */
function portWindow(size: number): { from: number; to: number } {
  const from = 46000 + Math.floor(Math.random() * 390) * 10;
  return { from, to: from + size - 1 };
}

/** A device connected to the hub over the gateway and assigned to a tenant: one a link can reach. */
async function onlineDevice(t: TestHub, url: string, admin: string, mac: string, tenant: string): Promise<DeviceClient> {
  const client = await DeviceClient.hello(url, mac);
  await client.expect('welcome');
  const assigned = await t.call({ method: 'POST', url: `/api/v1/devices/${mac}/assign`, token: admin, payload: { tenant } });
  expect(assigned.statusCode, assigned.body).toBe(200);
  await client.expect('device-password');
  return client;
}

describe('DeviceLink API', () => {
  const ports = portWindow(10);
  let t: TestHub;
  let admin: string;
  let acme: string;
  let initech: string;
  let auditor: string;
  const devices: DeviceClient[] = [];
  const online = '00:11:22:00:10:01';
  const offline = '00:11:22:00:10:02';
  const unassigned = '00:11:22:00:10:03';

  beforeAll(async () => {
    t = await startTestHub({ deviceLink: { ports, bindAddress: '127.0.0.1' } });
    const url = await listen(t.hub);
    admin = await t.adminToken();
    for (const id of ['acme', 'initech']) await t.createTenant(admin, id);
    acme = await t.tenantToken('acme', 'acme-password');
    initech = await t.tenantToken('initech', 'initech-password');
    await createAuditor(t, admin, 'link-auditor');
    auditor = await auditorToken(t, 'link-auditor');
    devices.push(await onlineDevice(t, url, admin, online, 'acme'));
    const fixtures = new Devices(t.hub);
    await fixtures.add({ mac: offline, tenant: 'acme', online: false });
    await fixtures.add({ mac: unassigned, online: false });
  });
  afterAll(async () => {
    await Promise.all(devices.map((device) => device.close()));
    await t.close();
  });

  /** `token` null: no Authorization header at all. */
  const post = (mac: string, payload: unknown, token: string | null = admin): Promise<LightMyRequestResponse> =>
    t.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, payload: payload as object, ...(token === null ? {} : { token }) });
  const remove = (token: string, bearer: string | null = admin): Promise<LightMyRequestResponse> =>
    t.call({ method: 'DELETE', url: `/api/v1/devicelink/${encodeURIComponent(token)}`, ...(bearer === null ? {} : { token: bearer }) });

  /** The response, after checking the store's head did not move. */
  async function nothingAppended(request: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
    const before = await t.head();
    const response = await request();
    expect(await t.head()).toBe(before);
    return response;
  }

  const tunnelIdOf = (token: string): string => token.slice(0, token.indexOf('.'));

  it('opens a TCP link to a device (MAC in any spelling), answers port and token, and records the session', async () => {
    const response = await post('00-11-22-00-10-01', { protocol: 'tcp', devicePort: 22, timeout: 1000, unknown: 'dropped' });
    expect(response.statusCode, response.body).toBe(201);
    const opened = response.json() as Opened;
    // A TCP link has no idle timeout: not echoed.
    expect(Object.keys(opened).sort()).toEqual(['devicePort', 'host', 'port', 'relay', 'token']);
    expect(opened).toMatchObject({ relay: 'hub', host: 'localhost' });
    expect(opened.devicePort).toBe(22);
    expect(opened.port).toBeGreaterThanOrEqual(ports.from);
    expect(opened.port).toBeLessThanOrEqual(ports.to);
    // Read-your-writes: the session is there at once.
    const session = await t.call({ method: 'GET', url: `/api/v1/sessions/${tunnelIdOf(opened.token)}`, token: admin });
    expect(session.statusCode, session.body).toBe(200);
    expect(session.json()).toMatchObject({ state: 'open', device: '00:11:22:00:10:01', tenantId: 'acme', protocol: 'tcp', devicePort: 22, port: opened.port, encrypted: false });
    expect((await remove(opened.token)).statusCode).toBe(204);
  });

  it('echoes a UDP link settings, source and encryption to the requester, and lets a tenant-admin link to its devices', async () => {
    const payload = { protocol: 'udp', devicePort: 161, timeout: 30000, source: { host: '127.0.0.1', port: 5555 }, encrypt: { key, initializationVector: iv } };
    const response = await post(online, payload, acme);
    expect(response.statusCode, response.body).toBe(201);
    const opened = response.json() as Opened;
    expect(opened).toMatchObject({ devicePort: 161, timeout: 30000, source: { host: '127.0.0.1', port: 5555 }, encrypt: { key, initializationVector: iv } });
    const session = await t.call({ method: 'GET', url: `/api/v1/sessions/${tunnelIdOf(opened.token)}`, token: acme });
    expect(session.json()).toMatchObject({ protocol: 'udp', encrypted: true, requestedBy: { role: 'tenant-admin' } });
    expect(session.body).not.toContain(key);
    expect((await remove(opened.token, acme)).statusCode).toBe(204);
  });

  it.each([
    ['a bad protocol', { protocol: 'sctp', devicePort: 22 }, 'body.protocol'],
    ['no protocol', { devicePort: 22 }, 'body.protocol'],
    ['no devicePort and no default configured', { protocol: 'tcp' }, 'body.devicePort'],
    ['devicePort 0', { protocol: 'tcp', devicePort: 0 }, 'body.devicePort'],
    ['devicePort 65536', { protocol: 'tcp', devicePort: 65536 }, 'body.devicePort'],
    ['devicePort as a string', { protocol: 'tcp', devicePort: '22' }, 'body.devicePort'],
    ['a fractional timeout', { protocol: 'udp', devicePort: 53, timeout: 1.5 }, 'body.timeout'],
    ['a negative timeout', { protocol: 'udp', devicePort: 53, timeout: -1 }, 'body.timeout'],
    ['a source port of 0', { protocol: 'tcp', devicePort: 22, source: { host: '127.0.0.1', port: 0 } }, 'body.source.port'],
    ['a source host with brackets', { protocol: 'tcp', devicePort: 22, source: { host: '[::1]', port: 1 } }, 'body.source.host'],
    ['a key that is not hex', { protocol: 'tcp', devicePort: 22, encrypt: { key: `${'z'.repeat(2)}${'a'.repeat(62)}`, initializationVector: iv } }, 'body.encrypt.key'],
    ['a key of the wrong length', { protocol: 'tcp', devicePort: 22, encrypt: { key: 'a'.repeat(62), initializationVector: iv } }, 'body.encrypt.key'],
    ['an IV that is not hex', { protocol: 'tcp', devicePort: 22, encrypt: { key, initializationVector: `g${iv.slice(1)}` } }, 'body.encrypt.initializationVector'],
    ['an IV of the wrong length', { protocol: 'tcp', devicePort: 22, encrypt: { key, initializationVector: iv.slice(2) } }, 'body.encrypt.initializationVector'],
    ['encrypt without an IV', { protocol: 'tcp', devicePort: 22, encrypt: { key } }, 'body.encrypt.initializationVector'],
  ])('refuses %s with 400, opening and appending nothing', async (_what, payload, path) => {
    const response = await nothingAppended(() => post(online, payload));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
    expect((response.json() as { error: { details: string[] } }).error.details).toContain(path);
    expect(t.hub.tunnels.liveCount).toBe(0);
  });

  it.each([
    ['a malformed MAC', () => post('00:11:22', { protocol: 'tcp', devicePort: 22 }), 400, 'validation_failed'],
    ['an unknown device', () => post('00:11:22:00:10:99', { protocol: 'tcp', devicePort: 22 }), 404, 'not_found'],
    ['an offline device', () => post(offline, { protocol: 'tcp', devicePort: 22 }), 409, 'device_offline'],
    ['an unassigned device', () => post(unassigned, { protocol: 'tcp', devicePort: 22 }), 409, 'transition_forbidden'],
    ['an unassigned device, to a tenant-admin', () => post(unassigned, { protocol: 'tcp', devicePort: 22 }, acme), 404, 'not_found'],
    ['a tenant-admin of another tenant', () => post(online, { protocol: 'tcp', devicePort: 22 }, initech), 404, 'not_found'],
    ['an auditor', () => post(online, { protocol: 'tcp', devicePort: 22 }, auditor), 403, 'forbidden'],
    ['a request without a token', () => post(online, { protocol: 'tcp', devicePort: 22 }, null), 401, 'unauthenticated'],
  ])('refuses %s, opening and appending nothing', async (_what, request, status, code) => {
    const response = await nothingAppended(request);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json()).toMatchObject({ error: { code } });
    expect(t.hub.tunnels.liveCount).toBe(0);
  });

  it('closes a link by its token with 204 and no body, once; the session ends as deleted', async () => {
    const opened = (await post(online, { protocol: 'tcp', devicePort: 22 }, acme)).json() as Opened;
    const id = tunnelIdOf(opened.token);
    const secretTampered = `${id}.${'A'.repeat(43)}`;
    for (const token of ['not-a-token', secretTampered, `00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`]) {
      const response = await nothingAppended(() => remove(token));
      expect(response.statusCode, response.body).toBe(404);
    }
    expect((await nothingAppended(() => remove(opened.token, initech))).statusCode).toBe(404);
    expect((await nothingAppended(() => remove(opened.token, auditor))).statusCode).toBe(403);
    expect((await nothingAppended(() => remove(opened.token, null))).statusCode).toBe(401);

    const deleted = await remove(opened.token, acme);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(deleted.body).toBe('');
    await expect.poll(async () => (await t.call({ method: 'GET', url: `/api/v1/sessions/${id}`, token: admin })).json(), { timeout: 5000 }).toMatchObject({
      state: 'closed',
      terminationCause: 'deleted',
    });
    expect((await nothingAppended(() => remove(opened.token, acme))).statusCode).toBe(404);
  });
});

describe('DeviceLink API with module defaults and a one-port range', () => {
  const ports = portWindow(1);
  let t: TestHub;
  let admin: string;
  let device: DeviceClient | undefined;
  const mac = '00:11:22:00:20:01';

  beforeAll(async () => {
    // A per-tenant limit above the range, so that the range is what runs out.
    t = await startTestHub({ deviceLink: { ports, bindAddress: '127.0.0.1', devicePort: 2222, timeout: 5000, maxLinksPerTenant: 2 } });
    const url = await listen(t.hub);
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
    device = await onlineDevice(t, url, admin, mac, 'acme');
  });
  afterAll(async () => {
    await device?.close();
    await t.close();
  });

  it('completes a request from the defaults, and answers 503 ports_exhausted when the range is taken', async () => {
    const first = await t.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token: admin, payload: { protocol: 'udp' } });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ devicePort: 2222, timeout: 5000, port: ports.from });

    const before = await t.head();
    // Another UDP link: the range's one UDP port is taken (a TCP link could still use that number).
    const second = await t.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token: admin, payload: { protocol: 'udp' } });
    expect(second.statusCode, second.body).toBe(503);
    expect(second.json()).toMatchObject({ error: { code: 'ports_exhausted' } });
    // No link is stored; the tenant's seat (--link-max-per-tenant, counted for every node) is given back.
    const appended = await t.hub.store.readAll({ after: before });
    expect(appended.map(({ stream, type }) => [stream, type])).toEqual([
      ['tenantlinkseats-acme', 'LinkSeatTaken'],
      ['tenantlinkseats-acme', 'LinkSeatsFreed'],
    ]);

    expect((await t.call({ method: 'DELETE', url: `/api/v1/devicelink/${(first.json() as Opened).token}`, token: admin })).statusCode).toBe(204);
  });
});
