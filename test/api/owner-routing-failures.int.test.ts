// Hub A forwards device-bound requests to peers that cannot answer them. Node C's lease names a
// stand-in that takes requests and never answers: A gives up after its own bound (longer for a
// restore, by the restore's timeout) and answers unavailable, naming C. Node D has another
// TETHER_TOKEN_SECRET and node E a clock 45 s ahead: each refuses A's marker, and A answers
// unavailable telling the operator what to check, rather than relaying a 401 that would blame
// the client's token; a proxy's stream through D's device is refused alike, and logged alike.
// Each peer binds proxies' source ports on an address of its own, so that A's is the one a
// client reaches on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub, HubConfig } from '../../api/hub.js';
import { ManualClock } from '../support/manual-clock.js';
import { eventually } from '../e2e/tether-process.js';
import { portOutside } from './forward-fixture.js';
import { DeviceClient, listen, storedEvent, typesOf } from './gateway-client.js';
import { adminPassword, tokenSecret } from './hub-harness.js';

// Longer than E is ahead: E must not find the others' leases run out.
const leaseMs = 120_000;
const forwardTimeoutMs = 1000;
const restoreTimeoutMs = 5000;
const sealKey = 'ef'.repeat(32);
const start = new Date('2026-01-01T00:00:00.000Z');
const macs = { c: '0011223377c1', d: '0011223377d1', e: '0011223377e1' };
let dir = '';
let clockA: ManualClock;
let a: Hub;
/** The peer with another TETHER_TOKEN_SECRET. */
let d: Hub;
const peers: Hub[] = [];
const devices: DeviceClient[] = [];
const logLines: string[] = [];
let token = '';

/** Takes requests and never answers them; hands each one to whoever waits for it. */
class SilentPeer {
  readonly server: Server;
  private readonly arrived: IncomingMessage[] = [];
  private readonly waiting: ((request: IncomingMessage) => void)[] = [];

  constructor() {
    this.server = createServer((request) => {
      const waiter = this.waiting.shift();
      if (waiter === undefined) this.arrived.push(request);
      else waiter(request);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  nextRequest(): Promise<IncomingMessage> {
    const request = this.arrived.shift();
    return request === undefined ? new Promise((resolve) => this.waiting.push(resolve)) : Promise.resolve(request);
  }
}
const silent = new SilentPeer();

async function hubOn(nodeId: string, ports: number, extra: Partial<HubConfig>, bindAddress = '127.0.0.1'): Promise<Hub> {
  return buildHub({ dataDir: dir, nodeId, tokenSecret, adminPassword, sealKey, leaseMs, logLevel: 'silent', deviceLink: { ports: { from: ports, to: ports + 9 }, bindAddress }, clock: new ManualClock(start), ...extra });
}

/** A peer holding a device of its own, its lease and the device's connection seen by A. */
async function peerWithDevice(nodeId: string, ports: number, mac: string, extra: Partial<HubConfig>, bindAddress: string): Promise<Hub> {
  const peer = await hubOn(nodeId, ports, extra, bindAddress);
  peers.push(peer);
  const gateway = await listen(peer);
  await storedEvent(a.store, `node-${nodeId}`, (event) => event.type === 'NodeLeaseRenewed');
  const device = await DeviceClient.hello(gateway, mac);
  devices.push(device);
  await device.expect('welcome');
  return peer;
}

const call = (method: 'POST', url: string, payload: object, bearer = token) =>
  a.app.inject({ method, url, headers: { authorization: `Bearer ${bearer}` }, payload });
const assign = (mac: string) => call('POST', `/api/v1/devices/${mac}/assign`, { tenant: 'acme' });

/** A's log lines at error level (pino's 50) naming `node`. */
const errorsAbout = (node: string): Record<string, unknown>[] =>
  logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.level === 50 && entry.node === node);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tether-owner-routing-failures-'));
  clockA = new ManualClock(start);
  a = await hubOn('node-a', 44660, { clock: clockA, forwardTimeoutMs, jobs: { restoreTimeoutMs }, logLevel: 'info', logStream: { write: (line: string) => void logLines.push(line) } });
  await peerWithDevice('node-c', 44670, macs.c, { internalUrl: await silent.listen() }, '127.0.0.3');
  d = await peerWithDevice('node-d', 44680, macs.d, { tokenSecret: 'another-token-secret-of-node-d-0123456789abcdef' }, '127.0.0.4');
  await peerWithDevice('node-e', 44690, macs.e, { clock: new ManualClock(new Date(start.getTime() + 45_000)) }, '127.0.0.5');
  const login = await a.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
  token = (login.json() as { token: string }).token;
  expect((await call('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme', password: 'acme-password' })).statusCode).toBe(201);
  for (const mac of Object.values(macs)) await storedEvent(a.store, `device-${mac}`, (event) => event.type === 'DeviceConnected');
});

afterAll(async () => {
  await Promise.all(devices.map((device) => device.close()));
  silent.server.closeAllConnections();
  silent.server.close();
  await Promise.all([a, ...peers].map((hub) => hub.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('a request forwarded to a peer that does not answer', () => {
  it('is answered unavailable, naming the peer, once its own bound has passed', async () => {
    const asked = assign(macs.c);
    await silent.nextRequest();
    clockA.advance(forwardTimeoutMs);
    const answer = await asked;
    expect(answer.statusCode, answer.body).toBe(503);
    expect(answer.json()).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(/hub node node-c, .* did not answer within 1000 ms/) } });
    expect(errorsAbout('node-c')).toContainEqual(expect.objectContaining({ timeoutMs: forwardTimeoutMs, msg: expect.stringContaining('did not answer a forwarded request in time') }));
  });

  it("waits for a restore as long as the restore's own timeout, and the bound beyond", async () => {
    let settled = false;
    const restore = call('POST', `/api/v1/devices/${macs.c}/restore`, { url: 'http://backups.example/f', auth: { type: 'none' } }).finally(() => {
      settled = true;
    });
    await silent.nextRequest();
    const asked = assign(macs.c);
    await silent.nextRequest();
    clockA.advance(forwardTimeoutMs);
    expect((await asked).statusCode).toBe(503);
    expect(settled).toBe(false);
    clockA.advance(restoreTimeoutMs);
    const answer = await restore;
    expect(answer.statusCode, answer.body).toBe(503);
    expect(answer.json()).toMatchObject({ error: { code: 'unavailable', message: expect.stringContaining(`node-c, which holds the device's connection or the link, did not answer within ${restoreTimeoutMs + forwardTimeoutMs} ms`) } });
  });
});

describe('a request forwarded to a peer that refuses the marker', () => {
  it.each([
    ['another TETHER_TOKEN_SECRET', 'node-d', macs.d, 'TETHER_TOKEN_SECRET'],
    ['a clock 45 s ahead', 'node-e', macs.e, "behind this node's clock"],
  ])('with %s is answered unavailable, telling the operator what to check, and logged as an error', async (_, node, mac, why) => {
    const answer = await assign(mac);
    expect(answer.statusCode, answer.body).toBe(503);
    expect(answer.json()).toMatchObject({
      error: { code: 'unavailable', message: expect.stringContaining(`hub node ${node}`) },
    });
    expect((answer.json() as { error: { message: string } }).error.message).toMatch(/same TETHER_TOKEN_SECRET and synchronised clocks/);
    expect(errorsAbout(node)).toContainEqual(expect.objectContaining({ refusal: expect.stringContaining(why) }));
    expect(await typesOf(a.store, `device-${mac}`)).not.toContain('DeviceAssigned');
  });

  it('leaves a client with a bad token its own 401', async () => {
    const answer = await call('POST', `/api/v1/devices/${macs.d}/assign`, { tenant: 'acme' }, `${token}x`);
    expect(answer.statusCode, answer.body).toBe(401);
    expect(answer.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });
});

describe("a proxy's stream asked of a peer that refuses the marker", () => {
  it('is logged as an error telling the operator what to check', async () => {
    const sourcePort = await portOutside({ from: 44660, to: 44699 });
    const proxyId = 'through-d';
    const target = { tenant: 'acme', device: macs.d, address: '127.0.0.1', port: 22 };
    // Assigned and defined through D, whose secret A's marker does not match.
    const loginD = await d.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
    const asD = { authorization: `Bearer ${(loginD.json() as { token: string }).token}` };
    const assigned = await d.app.inject({ method: 'POST', url: `/api/v1/devices/${macs.d}/assign`, headers: asD, payload: { tenant: 'acme' } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const created = await d.app.inject({ method: 'POST', url: '/api/v1/proxies', headers: asD, payload: { id: proxyId, name: proxyId, protocol: 'tcp-over-device', sourcePort, target } });
    expect(created.statusCode, created.body).toBe(201);
    const refusals = (): Record<string, unknown>[] =>
      logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.proxyId === proxyId && String(entry.msg).includes('same TETHER_TOKEN_SECRET and synchronised clocks'));
    const logged = await eventually('the refusal logged', 10_000, async () => {
      const client = connect({ port: sourcePort, host: '127.0.0.1' });
      client.on('error', () => undefined);
      await new Promise((resolve) => client.once('close', resolve));
      return refusals().length > 0 ? refusals() : undefined;
    });
    expect(logged[0]).toMatchObject({ level: 50, err: expect.objectContaining({ message: expect.stringContaining('TETHER_TOKEN_SECRET') }) });
  });
});
