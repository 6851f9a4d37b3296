import { describe, expect, it } from 'vitest';
import { countDevices, jobSeenBy } from '../../projections/jobs/index.js';
import type { JobView } from '../../projections/jobs/index.js';

const job: JobView = {
  id: 'j1',
  kind: 'update',
  name: 'fw',
  state: 'halted',
  tenants: ['acme', 'globex'],
  categories: [],
  target: { kind: 'firmware', version: '13r2' },
  concurrency: 20,
  timeoutMs: 600_000,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: { id: 'tenant-admin@globex', role: 'tenant-admin' },
  pass: 1,
  counts: { attempted: 5, inFlight: 0, succeeded: 2, failed: 3 },
  halted: { settled: 5, failed: 3, percent: 60 },
  updatedAt: '2026-01-01T00:01:00.000Z',
};

describe('a job as a caller of some of its tenants sees it', () => {
  it('is the job itself for a caller who sees all of its tenants', () => {
    expect(jobSeenBy(job, undefined, () => countDevices([]))).toBe(job);
    expect(jobSeenBy(job, ['globex', 'acme', 'x'], () => countDevices([]))).toBe(job);
  });

  it("names only the caller's tenants, counts only their devices, and no figure or admin of the others", () => {
    const seen = jobSeenBy(job, ['acme'], (tenants) => {
      expect(tenants).toEqual(['acme']);
      return countDevices([{ status: 'succeeded' }, { status: 'failed' }, { status: 'in-flight' }]);
    });
    expect(seen).toMatchObject({ tenants: ['acme'], counts: { attempted: 3, inFlight: 1, succeeded: 1, failed: 1 }, state: 'halted' });
    expect(seen).not.toHaveProperty('halted');
    expect(seen.createdBy).toEqual({ id: 'tenant-admin', role: 'tenant-admin' });
    expect(JSON.stringify(seen)).not.toContain('globex');
  });

  it("names no owner to a caller of only some of the job's tenants", () => {
    const byOwner: JobView = { ...job, createdBy: { id: 'user@olga', role: 'owner' } };
    expect(jobSeenBy(byOwner, ['acme'], () => countDevices([])).createdBy).toEqual({ id: 'owner', role: 'owner' });
    expect(jobSeenBy(byOwner, ['acme', 'globex'], () => countDevices([])).createdBy).toEqual({ id: 'user@olga', role: 'owner' });
  });
});
