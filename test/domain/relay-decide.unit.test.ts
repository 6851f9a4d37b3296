// The relay aggregate, given/when/then: trust on first use, approval, reset, deletion, the
// status recorded at a bounded rate, and the heartbeat deadline decided by the clock.
import { describe, expect, it } from 'vitest';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import type { RelayCommand } from '../../domain/relay/commands.js';
import { relayDeadlines } from '../../domain/relay/decide.js';
import type { RelayEvent } from '../../domain/relay/events.js';
import { placeSession } from '../../domain/relay/placement.js';
import { given, stateAfter } from '../support/given-when-then.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const timeout = 60_000;

const register = (tokenHash: string | undefined, extra: Partial<Extract<RelayCommand, { type: 'RegisterRelay' }>> = {}): RelayCommand => ({
  type: 'RegisterRelay',
  name: 'gas-1',
  hostName: 'gas.example.net',
  port: 7070,
  maxSessions: 5,
  tokenHash,
  heartbeatTimeoutMs: timeout,
  joinSecretPresented: false,
  ...extra,
});

const registered = (tokenHash: string, first: boolean, ms = 0): RelayEvent => ({
  type: 'RelayRegistered',
  data: {
    name: 'gas-1',
    description: '',
    hostName: 'gas.example.net',
    port: 7070,
    maxSessions: 5,
    tokenHash,
    first,
    registeredAt: at(ms).toISOString(),
    reportingUntil: at(ms + timeout).toISOString(),
  },
});

const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);

describe('RegisterRelay', () => {
  it('stores the first token, and takes only that one after', () => {
    given(relayAggregate, []).when(register(hashA)).then([registered(hashA, true)]);
    given(relayAggregate, [registered(hashA, true)]).when(register(hashA), { now: at(5000) }).then([registered(hashA, false, 5000)]);
    given(relayAggregate, [registered(hashA, true)]).when(register(hashB)).thenFails('relay_refused');
  });

  it('approves at once a relay that presented the join secret, once', () => {
    given(relayAggregate, []).when(register(hashA, { joinSecretPresented: true })).then([registered(hashA, true), { type: 'RelayApproved', data: { via: 'join-secret' } }]);
    given(relayAggregate, [registered(hashA, true), { type: 'RelayApproved', data: { via: 'admin' } }])
      .when(register(hashA, { joinSecretPresented: true }))
      .then([registered(hashA, false)]);
  });

  it('takes a new token after a reset (approval gone with the old one), and after a deletion', () => {
    const approved: RelayEvent = { type: 'RelayApproved', data: { via: 'admin' } };
    const reset: RelayEvent = { type: 'RelayTokenReset', data: {} };
    const state = stateAfter(relayAggregate.machine, [registered(hashA, true), approved, reset]);
    expect(state.context).toMatchObject({ approved: false, firstRegistrationDate: t0.toISOString() });
    expect(state.context.tokenHash).toBeUndefined();
    given(relayAggregate, [registered(hashA, true), approved, reset]).when(register(hashB)).then([registered(hashB, true)]);
    given(relayAggregate, [registered(hashA, true), { type: 'RelayDeleted', data: {} }]).when(register(hashB)).then([registered(hashB, true)]);
  });
});

describe('ReportRelayStatus', () => {
  const status = (count: number, sessionsListed = 0): RelayCommand => ({
    type: 'ReportRelayStatus',
    hostName: 'h',
    tokenHash: hashA,
    currentNumberOfSessions: count,
    sessionsListed,
    heartbeatTimeoutMs: timeout,
  });
  const approved: RelayEvent = { type: 'RelayApproved', data: { via: 'admin' } };

  it('records a changed count at once, and an unchanged one at most every half timeout', () => {
    const history = [registered(hashA, true), approved];
    given(relayAggregate, history).when(status(0), { now: at(1000) }).then([]);
    given(relayAggregate, history)
      .when(status(2), { now: at(1000) })
      .then([{ type: 'RelayStatusReported', data: { currentNumberOfSessions: 2, lastConnectionTime: at(1000).toISOString(), reportingUntil: at(1000 + timeout).toISOString() } }]);
    given(relayAggregate, history)
      .when(status(0), { now: at(timeout / 2) })
      .then([{ type: 'RelayStatusReported', data: { currentNumberOfSessions: 0, lastConnectionTime: at(timeout / 2).toISOString(), reportingUntil: at(timeout * 1.5).toISOString() } }]);
  });

  it('refuses the status of a relay not approved, and one listing more sessions than its maxSessions', () => {
    const reasonOf = (history: readonly RelayEvent[], command: RelayCommand): unknown => {
      try {
        relayAggregate.decide(stateAfter(relayAggregate.machine, history), command, { now: at(timeout / 2), principal: { id: 'gas-1', role: 'relay' } });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(reasonOf([registered(hashA, true)], status(2, 1))).toMatchObject({ code: 'relay_refused', details: ['not_approved'] });
    expect(reasonOf([registered(hashA, true), approved], status(2, 6))).toMatchObject({ code: 'relay_refused', details: ['sessions-too-many'] });
    given(relayAggregate, [registered(hashA, true), approved]).when(status(2, 5), { now: at(timeout / 2) }).then([
      { type: 'RelayStatusReported', data: { currentNumberOfSessions: 2, lastConnectionTime: at(timeout / 2).toISOString(), reportingUntil: at(timeout * 1.5).toISOString() } },
    ]);
  });
});

describe('MarkRelayNotReporting', () => {
  it('marks a relay only once its deadline has passed, whenever the timer fires', () => {
    const history = [registered(hashA, true)];
    expect(relayDeadlines(stateAfter(relayAggregate.machine, history))).toEqual([{ at: at(timeout).toISOString(), command: { type: 'MarkRelayNotReporting' } }]);
    given(relayAggregate, history).when({ type: 'MarkRelayNotReporting' }, { now: at(timeout - 1) }).then([]);
    given(relayAggregate, history)
      .when({ type: 'MarkRelayNotReporting' }, { now: at(timeout) })
      .then([{ type: 'RelayStoppedReporting', data: { cause: 'heartbeat-missed', reportingUntil: at(timeout).toISOString() } }]);
    expect(relayDeadlines(stateAfter(relayAggregate.machine, [...history, { type: 'RelayUnregistered', data: {} }]))).toEqual([]);
  });
});

describe('placeSession', () => {
  const candidate = (name: string, load: number, capacity = 5, extra = {}) => ({ name, known: true, reporting: true, approved: true, load, capacity, ...extra });

  it('picks the least loaded eligible relay, then the one with most room, then by name', () => {
    expect(placeSession([candidate('b', 1), candidate('a', 2), candidate('c', 0, 5, { approved: false })])).toBe('b');
    expect(placeSession([candidate('b', 1, 3), candidate('a', 1, 10)])).toBe('a');
    expect(placeSession([candidate('b', 1), candidate('a', 1)])).toBe('a');
    expect(() => placeSession([candidate('a', 5), candidate('b', 0, 5, { reporting: false })])).toThrow(/no relay/);
  });
});
