import { describe, expect, it } from 'vitest';
import { nodeAggregate } from '../../domain/node/aggregate.js';
import { isLeaseExpired } from '../../domain/node/decide.js';
import type { NodeEvent } from '../../domain/node/events.js';
import { nodeMachine } from '../../domain/node/machine.js';
import { given, stateAfter } from '../support/given-when-then.js';

const now = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number): Date => new Date(now.getTime() + ms);
const renewed = (expiresAt: string): NodeEvent => ({ type: 'NodeLeaseRenewed', data: { address: 'http://10.0.0.2:8080', leaseMs: 10_000, expiresAt } });
const held: NodeEvent[] = [renewed('2026-01-01T00:00:10.000Z')];

describe('node lease', () => {
  it('is renewed for lease period from now, with the address peers call', () => {
    given(nodeAggregate, []).when({ type: 'RenewLease', address: 'http://10.0.0.2:8080', leaseMs: 10_000 }, { now }).then(held);
    given(nodeAggregate, held)
      .when({ type: 'RenewLease', address: 'http://10.0.0.2:8080', leaseMs: 10_000 }, { now: later(3000) })
      .then([renewed('2026-01-01T00:00:13.000Z')]);
    given(nodeAggregate, []).when({ type: 'RenewLease', address: 'x', leaseMs: 0 }, { now }).thenFails('validation_failed');
  });

  it('ends at a clean shutdown, once', () => {
    given(nodeAggregate, held).when({ type: 'EndLease' }, { now }).then([{ type: 'NodeLeaseEnded', data: { at: now.toISOString() } }]);
    given(nodeAggregate, [...held, { type: 'NodeLeaseEnded', data: { at: now.toISOString() } }]).when({ type: 'EndLease' }, { now }).then([]);
    given(nodeAggregate, []).when({ type: 'EndLease' }, { now }).then([]);
  });

  it('is declared lost by a peer only once it expired, and only once', () => {
    given(nodeAggregate, held).when({ type: 'DeclareNodeLost', by: 'node-a' }, { now: later(9999) }).then([]);
    const lost: NodeEvent = { type: 'NodeLost', data: { by: 'node-a', expiredAt: '2026-01-01T00:00:10.000Z', at: later(10_000).toISOString() } };
    given(nodeAggregate, held).when({ type: 'DeclareNodeLost', by: 'node-a' }, { now: later(10_000) }).then([lost]);
    // A second peer's attempt changes nothing.
    given(nodeAggregate, [...held, lost]).when({ type: 'DeclareNodeLost', by: 'node-c' }, { now: later(20_000) }).then([]);
    given(nodeAggregate, [...held, { type: 'NodeLeaseEnded', data: { at: now.toISOString() } }]).when({ type: 'DeclareNodeLost', by: 'node-a' }, { now: later(20_000) }).then([]);
    given(nodeAggregate, []).when({ type: 'DeclareNodeLost', by: 'node-a' }, { now: later(20_000) }).then([]);
  });

  it('tells expiry from the clock, and a node that starts again holds a new lease', () => {
    expect(isLeaseExpired(stateAfter(nodeMachine, held), later(9999))).toBe(false);
    expect(isLeaseExpired(stateAfter(nodeMachine, held), later(10_000))).toBe(true);
    const lost: NodeEvent = { type: 'NodeLost', data: { by: 'node-a', expiredAt: '2026-01-01T00:00:10.000Z', at: later(10_000).toISOString() } };
    expect(isLeaseExpired(stateAfter(nodeMachine, [...held, lost]), later(60_000))).toBe(false);
    const again = stateAfter(nodeMachine, [...held, lost, renewed('2026-01-01T00:01:10.000Z')]);
    expect(again.value).toBe('live');
    expect(again.context).toEqual({ address: 'http://10.0.0.2:8080', leaseMs: 10_000, expiresAt: '2026-01-01T00:01:10.000Z' });
  });
});
