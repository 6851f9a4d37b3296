// POST /remote/rsstatus under abuse: a relay not approved reports nothing, a status lists at
// most its relay's maxSessions sessions (and never more than maxSessionsPerStatus), a status
// whose sessions cannot be updated is logged in one line, an unexpected failure is a FAILURE
// (internal_error), never an HTTP 500, and new relays awaiting approval are limited per address.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { maxSessionsPerStatus } from '../../domain/relay/decide.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const joinSecret = 'the-relay-join-secret';

let t: TestHub;

const registration = (name: string, fields: object = {}): object => ({
  type: 'register',
  name,
  hostName: 'relay.example.net',
  port: 7070,
  maxSessions: 10,
  token: `token-of-${name}`,
  ...fields,
});

const status = (name: string, sessions: readonly unknown[]): object => ({
  type: 'status',
  name,
  hostName: 'relay.example.net',
  token: `token-of-${name}`,
  currentNumberOfSessions: 0,
  sessions,
});

const unknownSessions = (count: number): object[] =>
  Array.from({ length: count }, (_, i) => ({ id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, bytesToDevice: 1, bytesFromDevice: 1 }));

async function post(body: object, remoteAddress = '127.0.0.1'): Promise<{ result: string; reason: string }> {
  const response = await t.hub.app.inject({ method: 'POST', url: '/remote/rsstatus', payload: body, remoteAddress });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

beforeAll(async () => {
  t = await startTestHub({ relays: { joinSecret, localRelay: false, registrationsPerHourPerIp: 2 } });
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await t.close();
});

describe('status floods', () => {
  it('refuses the status of a relay not approved (not_approved), appending and logging nothing per session', async () => {
    expect(await post(registration('pending-1'))).toMatchObject({ result: 'SUCCESS', reason: 'pending-approval' });
    const warn = vi.spyOn(t.hub.app.log, 'warn');
    const head = await t.head();
    expect(await post(status('pending-1', unknownSessions(500)))).toMatchObject({ result: 'FAILURE', reason: 'not_approved' });
    expect(await t.head()).toBe(head);
    expect(warn.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it("refuses a status listing more sessions than the relay's maxSessions, or than any status may (sessions-too-many)", async () => {
    expect(await post(registration('small', { joinSecret }))).toMatchObject({ result: 'SUCCESS', reason: 'registered' });
    expect(await post(registration('large', { joinSecret, maxSessions: 1_000_000 }))).toMatchObject({ result: 'SUCCESS', reason: 'registered' });
    const head = await t.head();
    expect(await post(status('small', unknownSessions(11)))).toMatchObject({ result: 'FAILURE', reason: 'sessions-too-many' });
    expect(await post(status('large', unknownSessions(maxSessionsPerStatus + 1)))).toMatchObject({ result: 'FAILURE', reason: 'sessions-too-many' });
    expect(await t.head()).toBe(head);
    expect(await post(status('small', []))).toMatchObject({ result: 'SUCCESS' });
  });

  it('logs the sessions of a status that cannot be updated in one line, and answers SUCCESS', async () => {
    const warn = vi.spyOn(t.hub.app.log, 'warn');
    expect(await post(status('small', [...unknownSessions(8), { id: 'not-a-session' }, 'garbage']))).toMatchObject({ result: 'SUCCESS' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ relay: 'small', sessions: 10, updated: 0, unknown: 8, invalid: 2, failed: 0 });
  });

  it('answers FAILURE internal_error, not HTTP 500, when the hub fails unexpectedly', async () => {
    vi.spyOn(t.hub.runtime, 'execute').mockRejectedValueOnce(new Error('the disk is on fire'));
    expect(await post(status('small', []))).toMatchObject({ result: 'FAILURE', reason: 'internal_error' });
    expect(await post(status('small', []))).toMatchObject({ result: 'SUCCESS' });
  });
});

describe('registrations per address', () => {
  it('limits new relays awaiting approval per address and hour, and only those', async () => {
    // pending-1 above was the first of this address's two this hour.
    expect(await post(registration('pending-2'))).toMatchObject({ result: 'SUCCESS', reason: 'pending-approval' });
    const head = await t.head();
    expect(await post(registration('pending-3'))).toMatchObject({ result: 'FAILURE', reason: 'rate-limited' });
    expect(await t.head()).toBe(head);
    // A relay already registered, one with the join secret, and another address are not limited.
    expect(await post(registration('pending-1'))).toMatchObject({ result: 'SUCCESS', reason: 'pending-approval' });
    expect(await post(registration('joined', { joinSecret }))).toMatchObject({ result: 'SUCCESS', reason: 'registered' });
    expect(await post(registration('pending-3'), '127.0.0.2')).toMatchObject({ result: 'SUCCESS', reason: 'pending-approval' });
    // A registration that fails for its own reason does not use up the allowance.
    expect(await post(registration('bad-port', { port: 0 }), '127.0.0.3')).toMatchObject({ result: 'FAILURE', reason: 'port-invalid' });
    expect(await post(registration('third-1'), '127.0.0.3')).toMatchObject({ result: 'SUCCESS', reason: 'pending-approval' });
    expect(await post(registration('third-2'), '127.0.0.3')).toMatchObject({ result: 'SUCCESS', reason: 'pending-approval' });
    t.clock.advance(3_600_000);
    expect(await post(registration('pending-4'))).toMatchObject({ result: 'SUCCESS', reason: 'pending-approval' });
  });
});
