// Whether a kind's jobs need a scheduler, so that a node bids for the kind's lease: by the
// same turns the scheduler takes (a running job; else a queued one; else a late hello).
import { describe, expect, it } from 'vitest';
import { emptyInbox } from '../../actors/job/job-inbox.js';
import type { TrackedJob } from '../../actors/job/job-schedule.js';
import { needsScheduler } from '../../actors/job/job-turns.js';
import type { JobEvent } from '../../domain/job/job-events.js';
import { updateJobAggregate } from '../../domain/update-job/aggregate.js';
import { updateJobCreated } from '../domain/update-job-fixture.js';
import { stateAfter } from '../support/given-when-then.js';
import { macOf } from './job-supervisor-fixture.js';

const at = '2026-01-01T00:00:00.000Z';
const created = updateJobCreated(at);
const started: JobEvent = { type: 'JobStarted', data: { at } };
const paused: JobEvent = { type: 'JobPaused', data: { at } };
const completed: JobEvent = { type: 'JobCompleted', data: { at } };

let order = 0;
const job = (...events: JobEvent[]): TrackedJob => {
  order += 1;
  return { view: { id: `job-${order}`, order, state: stateAfter(updateJobAggregate.machine, [created, ...events]), revision: events.length }, inbox: emptyInbox() };
};
const never = (): boolean => false;

describe('whether the jobs need a scheduler', () => {
  it('needs one for a running job, or a queued one while none runs', () => {
    expect(needsScheduler([job(started, completed), job(started)], never)).toBe(true);
    expect(needsScheduler([job(started, completed), job()], never)).toBe(true);
  });

  it('needs none for a paused job, nor for the queued ones behind it: they wait for a person', () => {
    expect(needsScheduler([job(started, paused), job()], never)).toBe(false);
  });

  it('needs none once every job finished, unless a completed one has a late hello it would dispatch now', () => {
    const done = job(started, completed);
    expect(needsScheduler([done], never)).toBe(false);
    done.inbox.candidates.set(macOf(1), 'hello');
    expect(needsScheduler([done], never)).toBe(false);
    expect(needsScheduler([done], (late) => late === done)).toBe(true);
  });
});
