// A job named by its id alone: the commands that take an id ask the update jobs first, then the
// backup jobs (ids are UUIDs, unique across both), so no one has to say which kind it is.
import { InvalidArgumentError } from 'commander';
import type { ApiClient } from './api-client.js';
import { CommandError, isCommandError } from './command-error.js';
import { JobDetails, jobKinds, jobsPath } from './job-views.js';
import type { JobKind } from './job-views.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseJobId(value: string): string {
  if (!uuid.test(value)) throw new InvalidArgumentError('expected a job id, a UUID as `tether jobs ls` shows it');
  return value.toLowerCase();
}

export interface FoundJob {
  readonly kind: JobKind;
  /** The job's resource, e.g. /api/v1/update-jobs/<id>. */
  readonly path: string;
  readonly job: JobDetails;
}

/** `query`: e.g. `?status=in-flight` to leave the settled devices out of the answer. */
export async function findJob(client: ApiClient, id: string, query = ''): Promise<FoundJob> {
  for (const kind of jobKinds) {
    const path = `${jobsPath(kind)}/${encodeURIComponent(id)}`;
    try {
      return { kind, path, job: await client.call('GET', `${path}${query}`, JobDetails) };
    } catch (error) {
      if (!isCommandError(error, 'not_found')) throw error;
    }
  }
  throw new CommandError('not_found', `job ${id} not found`, 404);
}
