// `tether serve` options for update and backup jobs and the artifact tree.
import { statSync } from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import type { JobsConfig } from '../api/jobs/job-services.js';
import { TetherError } from '../domain/errors.js';
import { maxConcurrency, maxJobTimeoutMs } from '../domain/job/job-fields.js';

export interface JobOptions {
  readonly artifacts?: string;
  readonly updateConcurrency?: number;
  readonly updateTimeout?: number;
  readonly backupConcurrency?: number;
  readonly backupTimeout?: number;
  readonly jobResumeGrace?: number;
}

export function parseConcurrency(value: string): number {
  const n = /^[0-9]{1,4}$/.test(value) ? Number(value) : 0;
  if (n < 1 || n > maxConcurrency) throw new InvalidArgumentError(`expected a whole number from 1 to ${maxConcurrency}`);
  return n;
}

export function parseTimeoutMs(value: string): number {
  const n = /^[0-9]{1,10}$/.test(value) ? Number(value) : 0;
  if (n < 1000 || n > maxJobTimeoutMs) throw new InvalidArgumentError(`expected milliseconds, from 1000 to ${maxJobTimeoutMs} (24 hours)`);
  return n;
}

function parseGraceMs(value: string): number {
  const n = /^[0-9]{1,7}$/.test(value) ? Number(value) : -1;
  if (n < 0 || n > 3_600_000) throw new InvalidArgumentError('expected milliseconds, from 0 to 3600000 (an hour)');
  return n;
}

export const artifactsOption = (): Option =>
  new Option('--artifacts <dir>', 'serve this directory (update binaries, catalog files) at /artifacts/ without authentication');
export const updateConcurrencyOption = (): Option =>
  new Option('--update-concurrency <n>', 'devices updating at once in an update job, unless the job says otherwise (default: 20)').argParser(parseConcurrency);
export const updateTimeoutOption = (): Option =>
  new Option('--update-timeout <ms>', 'how long a device has to report an update before it fails with cause timeout (default: 600000)').argParser(parseTimeoutMs);
export const backupConcurrencyOption = (): Option =>
  new Option('--backup-concurrency <n>', 'backups at once in a backup job, unless the job says otherwise (default: 20)').argParser(parseConcurrency);
export const backupTimeoutOption = (): Option =>
  new Option('--backup-timeout <ms>', 'how long a device has to report a backup (default: 600000)').argParser(parseTimeoutMs);

export const jobResumeGraceOption = (): Option =>
  new Option('--job-resume-grace <ms>', 'after the hub starts, how long a running job waits for its devices to reconnect before it may complete (default: 60000)').argParser(parseGraceMs);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The hub's job settings; throws invalid_configuration when --artifacts is not a directory. */
export function jobConfigOf(options: JobOptions): { readonly artifactsDir?: string; readonly jobs: JobsConfig } {
  if (options.artifacts !== undefined) {
    if (!isDirectory(options.artifacts)) throw new TetherError('invalid_configuration', `--artifacts: ${options.artifacts} is not a directory`, ['--artifacts']);
  }
  return {
    ...(options.artifacts === undefined ? {} : { artifactsDir: options.artifacts }),
    jobs: {
      ...(options.updateConcurrency === undefined ? {} : { updateConcurrency: options.updateConcurrency }),
      ...(options.updateTimeout === undefined ? {} : { updateTimeoutMs: options.updateTimeout }),
      ...(options.backupConcurrency === undefined ? {} : { backupConcurrency: options.backupConcurrency }),
      ...(options.backupTimeout === undefined ? {} : { backupTimeoutMs: options.backupTimeout }),
      ...(options.jobResumeGrace === undefined ? {} : { resumeGraceMs: options.jobResumeGrace }),
    },
  };
}
