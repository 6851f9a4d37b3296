// What any job must be created with, checked where the job is decided.
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { codecPath } from '../codec-path.js';
import { TetherError } from '../errors.js';
import { Categories, Concurrency, ErrorThreshold, JobName, JobTimeoutMs, Tenants } from './job-fields.js';

const Basics = t.intersection([
  t.type({ jobId: t.string, name: JobName, tenants: Tenants, categories: Categories, concurrency: Concurrency, timeoutMs: JobTimeoutMs }),
  t.partial({ errorThreshold: t.union([ErrorThreshold, t.undefined]) }),
]);

export interface JobBasicsInput {
  readonly jobId: string;
  readonly name: string;
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly errorThreshold?: { readonly percent: number; readonly minSettled?: number };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkJobBasics(input: JobBasicsInput): void {
  const decoded = Basics.decode(input);
  if (isLeft(decoded)) {
    const paths = [...new Set(decoded.left.map((error) => codecPath(error.context).join('.')))].sort();
    throw new TetherError('validation_failed', `invalid job: ${paths.join(', ')}`, paths);
  }
  if (!uuid.test(input.jobId)) throw new TetherError('validation_failed', 'a job id is a UUID in lower case', ['jobId']);
  if (new Set(input.tenants).size !== input.tenants.length) throw new TetherError('validation_failed', 'a tenant is listed twice', ['tenants']);
}
