// `tether jobs watch` at a terminal (a bar redrawn in place) and as JSON, over a hub whose
// answers the test hands out one poll at a time; the pipe's plain lines are tested end to end
// (jobs-command.e2e.test.ts).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../bin/api-client.js';
import { CommandError } from '../../bin/command-error.js';
import { plainLine, progressBar, progressLine } from '../../bin/job-progress.js';
import { watchJob } from '../../bin/job-watch.js';
import type { JobCounts, JobDetails } from '../../bin/job-views.js';

const id = '0b7c9a52-2f51-4b7e-9d0e-4a1b2c3d4e5f';

function job(state: string, counts: JobCounts, extra: Partial<JobDetails> = {}): JobDetails {
  return {
    id,
    kind: 'backup',
    name: 'nightly',
    state,
    tenants: ['acme'],
    categories: [],
    target: { url: 'http://dav.example/b', auth: 'none' },
    concurrency: 20,
    timeoutMs: 600_000,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: { id: 'admin', role: 'admin' },
    pass: 1,
    counts,
    updatedAt: '2026-01-01T00:00:00.000Z',
    devices: [],
    ...extra,
  };
}

/** A hub that knows the job only as a backup job and answers each poll with the next of `answers`. */
function hubAnswering(answers: readonly JobDetails[]): { client: ApiClient; paths: string[] } {
  const paths: string[] = [];
  let next = 0;
  const client: ApiClient = {
    async call<A>(_method: string, path: string): Promise<A> {
      paths.push(path);
      if (path.startsWith('/api/v1/update-jobs/')) throw new CommandError('not_found', `update job ${id} not found`, 404);
      const answer = answers[Math.min(next, answers.length - 1)];
      next += 1;
      return answer as A;
    },
    send: () => Promise.reject(new Error('not used')),
    download: () => Promise.reject(new Error('not used')),
  };
  return { client, paths };
}

function terminal(): { out: PassThrough & { isTTY: boolean }; written: () => string } {
  const out = Object.assign(new PassThrough(), { isTTY: true });
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { out, written: () => chunks.join('') };
}

const counts = (attempted: number, inFlight: number, succeeded: number, failed: number): JobCounts => ({ attempted, inFlight, succeeded, failed });

describe('the progress of a job', () => {
  it('fills the bar with the devices settled of those dispatched', () => {
    expect(progressBar(counts(0, 0, 0, 0), 10)).toBe('[..........]');
    expect(progressBar(counts(40, 20, 15, 5), 10)).toBe('[#####.....]');
    expect(progressBar(counts(3, 0, 2, 1), 10)).toBe('[##########]');
    expect(progressLine(job('running', counts(40, 28, 10, 2)))).toBe('running  [######..............] 12/40 succeeded 10 failed 2 in flight 28');
    expect(plainLine(job('halted', counts(5, 0, 2, 3), { halted: { settled: 5, failed: 3, percent: 60 } }))).toBe(
      'halted (3 of 5 failed, 60%): 5 of 5 devices settled, succeeded 2, failed 3, in flight 0',
    );
  });
});

describe('watchJob', () => {
  const answers = [job('running', counts(2, 2, 0, 0)), job('running', counts(2, 2, 0, 0)), job('running', counts(2, 1, 1, 0)), job('completed', counts(2, 0, 2, 0))];

  it('redraws the bar in place at a terminal, once per change, and ends the line when the run is over', async () => {
    const { client, paths } = hubAnswering(answers);
    const { out, written } = terminal();
    const waits: number[] = [];
    const ended = await watchJob(client, id, { intervalMs: 250, out, wait: async (ms) => waits.push(ms) });
    expect(ended.state).toBe('completed');
    const redraw = '\r\u001b[2K';
    expect(written()).toBe(
      [
        `${redraw}running  [....................] 0/2 succeeded 0 failed 0 in flight 2`,
        `${redraw}running  [##########..........] 1/2 succeeded 1 failed 0 in flight 1`,
        `${redraw}completed  [####################] 2/2 succeeded 2 failed 0 in flight 0\n`,
      ].join(''),
    );
    expect(waits).toEqual([250, 250, 250]);
    // The kind is found once; each poll leaves the settled devices out.
    expect(paths).toEqual([`/api/v1/update-jobs/${id}?status=in-flight`, ...Array.from({ length: 4 }, () => `/api/v1/backup-jobs/${id}?status=in-flight`)]);
  });

  it('prints one JSON object per change with --json, even at a terminal', async () => {
    const { client } = hubAnswering(answers);
    const { out, written } = terminal();
    await watchJob(client, id, { intervalMs: 1, json: true, out, wait: async () => undefined });
    const lines = written().trimEnd().split('\n').map((line) => JSON.parse(line) as JobDetails);
    expect(lines.map((line) => [line.state, line.counts.succeeded])).toEqual([
      ['running', 0],
      ['running', 1],
      ['completed', 2],
    ]);
  });

  it('stops at once for a job whose run is already over', async () => {
    const { client, paths } = hubAnswering([job('canceled', counts(1, 1, 0, 0))]);
    const { out } = terminal();
    expect((await watchJob(client, id, { intervalMs: 1, out, wait: () => Promise.reject(new Error('waited')) })).state).toBe('canceled');
    expect(paths).toHaveLength(2);
  });
});
