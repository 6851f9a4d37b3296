// A job's deadline is the earliest of its attempts in flight; it fires a step that only times out.
import { describe, expect, it } from 'vitest';
import { parseMac } from '../../domain/device/mac.js';
import { jobDeadlines, timeOutStep } from '../../domain/job/job-deadlines.js';
import type { JobEvent } from '../../domain/job/job-events.js';
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import { stateAfter } from '../support/given-when-then.js';

const at = '2026-01-01T00:00:00.000Z';
const created: JobEvent = {
  type: 'BackupJobCreated',
  data: {
    jobId: '0b5e4c2a-1111-4222-8333-444455556666',
    name: 'nightly',
    tenants: ['acme'],
    categories: [],
    concurrency: 5,
    timeoutMs: 60_000,
    createdAt: at,
    createdBy: { id: 'admin-1', role: 'admin' },
    spec: { kind: 'backup', target: { url: 'https://dav.example/b', auth: 'none' } },
  },
};
const started: JobEvent = { type: 'JobStarted', data: { at } };
const device = (i: number) => ({ mac: parseMac((0x020000000000 + i).toString(16).padStart(12, '0')), tenantId: 'acme', attempt: 1, trigger: 'run' as const });
const dispatched = (deadline: string, ...devices: ReturnType<typeof device>[]): JobEvent => ({ type: 'JobDevicesDispatched', data: { at, deadline, devices } });

describe('a job deadline', () => {
  it('is none while nothing is in flight', () => {
    expect(jobDeadlines(stateAfter(backupJobAggregate.machine, [created, started]))).toEqual([]);
  });

  it('is the earliest deadline of the attempts in flight, and times out without answers or dispatches of its own', () => {
    const state = stateAfter(backupJobAggregate.machine, [created, started, dispatched('2026-01-01T00:02:00.000Z', device(1)), dispatched('2026-01-01T00:01:00.000Z', device(2))]);
    expect(jobDeadlines(state)).toEqual([{ at: '2026-01-01T00:01:00.000Z', command: timeOutStep }]);
    expect(timeOutStep).toEqual({ type: 'AdvanceJob', results: [], dispatch: [], timeOut: true });
  });
});
