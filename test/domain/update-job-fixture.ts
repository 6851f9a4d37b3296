// The firmware update job the job tests start from: tenant acme, two devices at a time, each
// attempt given a minute.
import type { JobEvent } from '../../domain/job/job-events.js';

type UpdateJobCreatedData = Extract<JobEvent, { readonly type: 'UpdateJobCreated' }>['data'];

export const updateJobId = '0b5e4c2a-1111-4222-8333-444455556666';

/** The job's creation by the admin at `at`, with `more` (an error threshold…) on top. */
export function updateJobCreated(at: string, more: Partial<UpdateJobCreatedData> = {}): JobEvent {
  return {
    type: 'UpdateJobCreated',
    data: {
      jobId: updateJobId,
      name: 'fw',
      tenants: ['acme'],
      categories: [],
      concurrency: 2,
      timeoutMs: 60_000,
      createdAt: at,
      createdBy: { id: 'admin-1', role: 'admin' },
      spec: { kind: 'update', target: { kind: 'firmware', version: '13r2' }, artifacts: { IP232: { url: 'http://a.example/ip232.bin' } } },
      ...more,
    },
  };
}
