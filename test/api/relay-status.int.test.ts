// POST /remote/rsstatus as the seed describes it: register, unregister and status messages,
// each failure condition with its own reason code, the trust-on-first-use token, the first and
// last registration dates, the heartbeat that marks a silent relay not reporting (also when
// the deadline passed while no hub ran), and the session fields a status carries.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { HubConfig } from '../../api/hub.js';
import { ManualClock } from '../support/manual-clock.js';
import { TunnelCommands } from '../support/tunnel-commands.js';
import { adminPassword, startTestHub, tokenSecret } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const heartbeatTimeoutMs = 60_000;
const joinSecret = 'the-relay-join-secret';

interface Reply {
  readonly result: 'SUCCESS' | 'FAILURE';
  readonly reason: string;
}

interface Relay {
  readonly name: string;
  readonly isReporting: boolean;
  readonly approved: boolean;
  readonly approvedVia: string | null;
  readonly currentNumberOfSessions: number;
  readonly firstRegistrationDate: string | null;
  readonly lastRegistrationDate: string | null;
  readonly lastConnectionTime: string | null;
  readonly [field: string]: unknown;
}

let t: TestHub;
let admin: string;

const registration = (name: string, token: string, fields: object = {}): object => ({
  type: 'register',
  name,
  description: `relay ${name}`,
  hostName: 'relay.example.net',
  externalHostName: 'relay.example.com',
  alternateHostName: 'relay-alt.example.com',
  port: 7070,
  maxSessions: 10,
  token,
  ...fields,
});

async function post(body: unknown, contentType = 'application/json'): Promise<Reply> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await t.call({ method: 'POST', url: '/remote/rsstatus', payload, headers: { 'content-type': contentType } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Reply;
}

async function relay(name: string): Promise<Relay> {
  await t.hub.readModels.waitFor(await t.head(), 5000);
  const response = await t.call({ method: 'GET', url: `/api/v1/relays/${name}`, token: admin });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Relay;
}

const failure = (reason: string): Reply => expect.objectContaining({ result: 'FAILURE', reason }) as Reply;

beforeAll(async () => {
  t = await startTestHub({ relays: { heartbeatTimeoutMs, joinSecret, localRelay: false } });
  admin = await t.adminToken();
});

afterAll(async () => {
  await t.close();
});

describe('register', () => {
  it('registers a new name with its token (trust on first use), awaiting approval', async () => {
    expect(await post(registration('gas-1', 'token-of-gas-1'))).toEqual({
      result: 'SUCCESS',
      reason: 'pending-approval',
      message: expect.any(String) as string,
    });
    const seen = await relay('gas-1');
    expect(seen).toMatchObject({
      name: 'gas-1',
      description: 'relay gas-1',
      hostName: 'relay.example.net',
      externalHostName: 'relay.example.com',
      alternateHostName: 'relay-alt.example.com',
      port: 7070,
      maxSessions: 10,
      isReporting: true,
      approved: false,
      firstRegistrationDate: t.clock.now().toISOString(),
      lastRegistrationDate: t.clock.now().toISOString(),
    });
    expect(JSON.stringify(seen)).not.toContain('token-of-gas-1');
  });

  it('takes the same token again: firstRegistrationDate stays, lastRegistrationDate moves', async () => {
    const first = (await relay('gas-1')).firstRegistrationDate;
    t.clock.advance(5000);
    expect(await post(registration('gas-1', 'token-of-gas-1', { maxSessions: 20 }))).toMatchObject({ result: 'SUCCESS' });
    const seen = await relay('gas-1');
    expect(seen).toMatchObject({ firstRegistrationDate: first, lastRegistrationDate: t.clock.now().toISOString(), maxSessions: 20 });
  });

  it('fails with token-mismatch for another token under a registered name', async () => {
    expect(await post(registration('gas-1', 'another-token'))).toEqual(failure('token-mismatch'));
  });

  it('fails with host-name-missing when hostName is absent, empty or null', async () => {
    for (const hostName of [undefined, '', null]) {
      expect(await post(registration('gas-2', 'token-of-gas-2', { hostName }))).toEqual(failure('host-name-missing'));
    }
  });

  it('fails with token-missing when token is absent, empty or null', async () => {
    for (const token of [undefined, '', null]) {
      expect(await post({ ...registration('gas-2', 'x'), token })).toEqual(failure('token-missing'));
    }
  });

  it('fails with max-sessions-invalid when maxSessions is less than 1, missing or not whole', async () => {
    for (const maxSessions of [0, -3, 1.5, undefined]) {
      expect(await post(registration('gas-2', 'token-of-gas-2', { maxSessions }))).toEqual(failure('max-sessions-invalid'));
    }
  });

  it('fails with port-invalid and host-name-invalid for a bad port or host', async () => {
    expect(await post(registration('gas-2', 'token-of-gas-2', { port: 70000 }))).toEqual(failure('port-invalid'));
    expect(await post(registration('gas-2', 'token-of-gas-2', { externalHostName: 'not a host' }))).toEqual(failure('host-name-invalid'));
  });

  it('fails with name-invalid for a bad name, and for the hub\'s own', async () => {
    expect(await post(registration('no spaces', 'token'))).toEqual(failure('name-invalid'));
    expect(await post(registration('hub', 'token'))).toEqual(failure('name-invalid'));
  });

  it('fails with invalid-message for a body that is no such message', async () => {
    expect(await post('not json at all')).toEqual(failure('invalid-message'));
    expect(await post('{"type":"register"', 'text/plain')).toEqual(failure('invalid-message'));
    expect(await post({ type: 'hello', name: 'gas-2' })).toEqual(failure('invalid-message'));
    expect(await post(registration('gas-2', 'token', { port: '7070' }))).toEqual(failure('invalid-message'));
    expect(await post([registration('gas-2', 'token')])).toEqual(failure('invalid-message'));
  });

  it('approves a relay that presents the join secret, and never one that presents another', async () => {
    expect(await post(registration('gas-3', 'token-of-gas-3', { joinSecret: 'a guess' }))).toMatchObject({ reason: 'pending-approval' });
    expect(await post(registration('gas-4', 'token-of-gas-4', { joinSecret }))).toEqual({ result: 'SUCCESS', reason: 'registered' });
    expect(await relay('gas-3')).toMatchObject({ approved: false });
    expect(await relay('gas-4')).toMatchObject({ approved: true, approvedVia: 'join-secret' });
  });
});

describe('unregister', () => {
  it('fails with host-name-missing, token-missing, token-mismatch, relay-unknown', async () => {
    const base = { type: 'unregister', name: 'gas-1', hostName: 'relay.example.net', token: 'token-of-gas-1' };
    expect(await post({ ...base, hostName: '' })).toEqual(failure('host-name-missing'));
    expect(await post({ ...base, token: undefined })).toEqual(failure('token-missing'));
    expect(await post({ ...base, token: 'another-token' })).toEqual(failure('token-mismatch'));
    expect(await post({ ...base, name: 'never-registered' })).toEqual(failure('relay-unknown'));
    expect((await relay('gas-1')).isReporting).toBe(true);
  });

  it('sets isReporting false, and keeps the relay', async () => {
    expect(await post({ type: 'unregister', name: 'gas-1', hostName: 'relay.example.net', token: 'token-of-gas-1' })).toEqual({
      result: 'SUCCESS',
      reason: 'unregistered',
    });
    expect(await relay('gas-1')).toMatchObject({ isReporting: false, name: 'gas-1' });
    expect(await post(registration('gas-1', 'token-of-gas-1'))).toMatchObject({ result: 'SUCCESS' });
    expect((await relay('gas-1')).isReporting).toBe(true);
  });
});

describe('status', () => {
  const status = (fields: object = {}): object => ({
    type: 'status',
    name: 'gas-1',
    hostName: 'relay.example.net',
    token: 'token-of-gas-1',
    maxSessions: 20,
    port: 7070,
    currentNumberOfSessions: 2,
    sessions: [],
    ...fields,
  });

  it('fails with not_approved until the relay is approved', async () => {
    expect(await post(status())).toEqual(failure('not_approved'));
    const approved = await t.call({ method: 'POST', url: '/api/v1/relays/gas-1/approve', token: admin });
    expect(approved.statusCode, approved.body).toBe(200);
  });

  it('fails with sessions-count-negative, host-name-missing, token-missing, token-mismatch, relay-unknown', async () => {
    expect(await post(status({ currentNumberOfSessions: -1 }))).toEqual(failure('sessions-count-negative'));
    expect(await post(status({ hostName: null }))).toEqual(failure('host-name-missing'));
    expect(await post(status({ token: '' }))).toEqual(failure('token-missing'));
    expect(await post(status({ token: 'another-token' }))).toEqual(failure('token-mismatch'));
    expect(await post(status({ name: 'never-registered' }))).toEqual(failure('relay-unknown'));
  });

  it('records lastConnectionTime and currentNumberOfSessions', async () => {
    t.clock.advance(1000);
    expect(await post(status())).toEqual({ result: 'SUCCESS', reason: 'status-recorded' });
    expect(await relay('gas-1')).toMatchObject({ currentNumberOfSessions: 2, lastConnectionTime: t.clock.now().toISOString(), isReporting: true });
  });

  it('answers SUCCESS when a session cannot be updated, and updates the ones it can', async () => {
    const links = new TunnelCommands(t.hub.runtime, (position) => t.hub.readModels.waitFor(position, 5000));
    await t.createTenant(admin, 'acme');
    const ours = await links.open({ tenantId: 'acme', relay: 'gas-1' });
    const others = await links.open({ tenantId: 'acme', relay: 'gas-4' });
    const sessions = [
      { id: ours, agentIP: '192.0.2.9', bytesToDevice: 100, bytesFromDevice: 250, bytesTransferred: 350 },
      { id: others, bytesToDevice: 5, bytesFromDevice: 5 },
      { id: 'not-a-session' },
      'garbage',
    ];
    expect(await post(status({ sessions }))).toEqual({ result: 'SUCCESS', reason: 'status-recorded' });
    await t.hub.readModels.waitFor(await t.head(), 5000);
    const read = async (id: string): Promise<Record<string, unknown>> => (await t.call({ method: 'GET', url: `/api/v1/sessions/${id}`, token: admin })).json();
    expect(await read(ours)).toMatchObject({ state: 'open', bytesToDevice: 100, bytesFromDevice: 250, bytesTransferred: 350 });
    expect(await read(others)).toMatchObject({ bytesTransferred: 0 });

    // A session the relay reports ended, which no node holds live, is recorded ended.
    const ended = [{ id: ours, bytesToDevice: 120, bytesFromDevice: 250, endTime: t.clock.now().toISOString(), terminationCause: 'client-closed' }];
    expect(await post(status({ sessions: ended }))).toMatchObject({ result: 'SUCCESS' });
    await t.hub.readModels.waitFor(await t.head(), 5000);
    expect(await read(ours)).toMatchObject({ state: 'closed', terminationCause: 'client-closed', bytesTransferred: 370 });
  });
});

describe('status: the seed\'s session fields', () => {
  const status = (sessions: readonly object[]): object => ({
    type: 'status',
    name: 'gas-1',
    hostName: 'relay.example.net',
    token: 'token-of-gas-1',
    currentNumberOfSessions: 1,
    sessions,
  });
  const read = async (id: string): Promise<Record<string, unknown>> => {
    await t.hub.readModels.waitFor(await t.head(), 5000);
    return (await t.call({ method: 'GET', url: `/api/v1/sessions/${id}`, token: admin })).json();
  };

  it('applies agentIP, userIP, createdTime, endTime, terminationCause and bytesTransferred', async () => {
    const links = new TunnelCommands(t.hub.runtime, (position) => t.hub.readModels.waitFor(position, 5000));
    const id = await links.open({ tenantId: 'acme', relay: 'gas-1' });
    t.clock.advance(60_000);
    const createdTime = new Date(t.clock.now().getTime() - 30_000).toISOString();
    const fields = { id, agentIP: '192.0.2.44', userIP: '198.51.100.7', createdTime, bytesToDevice: 10, bytesFromDevice: 20, bytesTransferred: 30 };
    expect(await post(status([fields]))).toEqual({ result: 'SUCCESS', reason: 'status-recorded' });
    expect(await read(id)).toMatchObject({ state: 'open', agentIP: '192.0.2.44', userIP: '198.51.100.7', createdTime, bytesTransferred: 30 });

    const endTime = new Date(t.clock.now().getTime() - 1000).toISOString();
    const ended = { ...fields, bytesToDevice: 15, bytesTransferred: 35, endTime, terminationCause: 'device-closed' };
    expect(await post(status([ended]))).toMatchObject({ result: 'SUCCESS' });
    expect(await read(id)).toMatchObject({ state: 'closed', endTime, terminationCause: 'device-closed', bytesToDevice: 15, bytesTransferred: 35, createdTime });
  });

  it('applies nothing of a session whose fields are not valid: an address, a time in the future, a total that is not the sum', async () => {
    const links = new TunnelCommands(t.hub.runtime, (position) => t.hub.readModels.waitFor(position, 5000));
    const id = await links.open({ tenantId: 'acme', relay: 'gas-1' });
    const future = new Date(t.clock.now().getTime() + 60_000).toISOString();
    expect(await post(status([]))).toEqual({ result: 'SUCCESS', reason: 'status-recorded' });
    const head = await t.head();
    const invalid = [
      { id, agentIP: 'not an address' },
      { id, createdTime: future },
      { id, createdTime: 'yesterday' },
      { id, bytesToDevice: 1, bytesFromDevice: 1, bytesTransferred: 5 },
      // Nothing of a session applies when one field fails: not its address, not its traffic.
      { id, agentIP: '192.0.2.50', bytesToDevice: -1, bytesFromDevice: 1 },
      { id, agentIP: '192.0.2.50', terminationCause: 'device-closed', endTime: future },
    ];
    expect(await post(status(invalid))).toEqual({ result: 'SUCCESS', reason: 'status-recorded' });
    expect(await t.head()).toBe(head);
  });
});

describe('heartbeat', () => {
  it('marks a relay that stops reporting not reporting, and a status revives it', async () => {
    expect(await post(registration('gas-5', 'token-of-gas-5', { joinSecret }))).toMatchObject({ result: 'SUCCESS', reason: 'registered' });
    t.clock.advance(heartbeatTimeoutMs - 1);
    expect((await relay('gas-5')).isReporting).toBe(true);
    const before = await t.head();
    t.clock.advance(1);
    // The deadline appends RelayStoppedReporting: the next position.
    await t.hub.readModels.waitFor(before + 1, 5000);
    expect((await relay('gas-5')).isReporting).toBe(false);
    expect(await post({ type: 'status', name: 'gas-5', hostName: 'relay.example.net', token: 'token-of-gas-5', currentNumberOfSessions: 0 })).toMatchObject({
      result: 'SUCCESS',
    });
    expect((await relay('gas-5')).isReporting).toBe(true);
  });

  it('marks a relay whose deadline passed while no hub ran when the hub starts', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');
    const config: HubConfig = { dataDir: `${t.dataDir}-restart`, nodeId: 'restart', tokenSecret, adminPassword, clock, logLevel: 'silent' };
    const first = await buildHub({ ...config, relays: { heartbeatTimeoutMs } });
    try {
      const reply = await first.app.inject({ method: 'POST', url: '/remote/rsstatus', payload: registration('gas-6', 'token-of-gas-6') });
      expect(reply.json()).toMatchObject({ result: 'SUCCESS' });
    } finally {
      await first.close();
    }
    clock.advance(heartbeatTimeoutMs * 3);
    const second = await buildHub({ ...config, relays: { heartbeatTimeoutMs } });
    try {
      const { relayAggregate } = await import('../../domain/relay/aggregate.js');
      const deadline = Date.now() + 5000;
      let reporting = true;
      while (reporting && Date.now() < deadline) {
        reporting = (await second.runtime.load(relayAggregate, 'gas-6')).state.context.isReporting;
        if (reporting) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(reporting).toBe(false);
    } finally {
      await second.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });
});
