// The scheduler lease of a job kind: held by one node until it lapses; another node takes it
// only then; its holder renews and releases it.
import { describe, expect, it } from 'vitest';
import { leaseHolder, schedulerLeaseAggregate } from '../../domain/job-scheduler/aggregate.js';
import type { SchedulerLeaseCommand } from '../../domain/job-scheduler/aggregate.js';
import type { SchedulerLeaseEvent } from '../../domain/job-scheduler/events.js';
import { systemPrincipal } from '../../domain/principal.js';
import { stateAfter } from '../support/given-when-then.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number): Date => new Date(t0.getTime() + ms);
const held = (nodeId: string, expiresAt: Date): SchedulerLeaseEvent => ({ type: 'SchedulerLeaseHeld', data: { nodeId, expiresAt: expiresAt.toISOString(), at: t0.toISOString() } });
const hold = (nodeId: string): SchedulerLeaseCommand => ({ type: 'HoldSchedulerLease', nodeId, leaseMs: 3000 });
const decide = (history: readonly SchedulerLeaseEvent[], command: SchedulerLeaseCommand, now: Date) =>
  schedulerLeaseAggregate.decide(stateAfter(schedulerLeaseAggregate.machine, history), command, { now, principal: systemPrincipal });

describe('a job scheduler lease', () => {
  it('is taken by the first node that asks, and renewed by its holder', () => {
    expect(decide([], hold('a'), t0)).toEqual([held('a', later(3000))]);
    expect(decide([held('a', later(3000))], hold('a'), later(1000))).toEqual([{ type: 'SchedulerLeaseHeld', data: { nodeId: 'a', expiresAt: later(4000).toISOString(), at: later(1000).toISOString() } }]);
  });

  it('is not taken from a holder whose lease runs, and is taken once it lapsed', () => {
    const history = [held('a', later(3000))];
    expect(decide(history, hold('b'), later(2999))).toEqual([]);
    expect(decide(history, hold('b'), later(3000))).toMatchObject([{ type: 'SchedulerLeaseHeld', data: { nodeId: 'b' } }]);
    expect(leaseHolder(stateAfter(schedulerLeaseAggregate.machine, history), later(2999))).toBe('a');
    expect(leaseHolder(stateAfter(schedulerLeaseAggregate.machine, history), later(3000))).toBeUndefined();
  });

  it('is released by its holder only, and may then be taken at once', () => {
    const history = [held('a', later(3000))];
    expect(decide(history, { type: 'ReleaseSchedulerLease', nodeId: 'b' }, later(1))).toEqual([]);
    const released: SchedulerLeaseEvent = { type: 'SchedulerLeaseReleased', data: { nodeId: 'a', at: later(1).toISOString() } };
    expect(decide(history, { type: 'ReleaseSchedulerLease', nodeId: 'a' }, later(1))).toEqual([released]);
    expect(decide([...history, released], hold('b'), later(2))).toMatchObject([{ type: 'SchedulerLeaseHeld', data: { nodeId: 'b' } }]);
  });

  it('is released by its holder after it ran out too, unless another node took it; the last holder is kept', () => {
    const history = [held('a', later(3000))];
    const released: SchedulerLeaseEvent = { type: 'SchedulerLeaseReleased', data: { nodeId: 'a', at: later(5000).toISOString() } };
    expect(decide(history, { type: 'ReleaseSchedulerLease', nodeId: 'a' }, later(5000))).toEqual([released]);
    expect(decide([...history, held('b', later(8000))], { type: 'ReleaseSchedulerLease', nodeId: 'a' }, later(5000))).toEqual([]);
    expect(stateAfter(schedulerLeaseAggregate.machine, [...history, released]).context).toEqual({ lastHolder: 'a' });
  });

  it('refuses a lease that is not a positive whole number of milliseconds', () => {
    expect(() => decide([], { type: 'HoldSchedulerLease', nodeId: 'a', leaseMs: 0 }, t0)).toThrow(/positive whole number/);
  });
});
