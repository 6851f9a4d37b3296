// The bodies of POST /api/v1/update-jobs and /backup-jobs from the options of `tether jobs
// create update|backup`. What the options alone can tell is refused here, before anything is
// sent; the rest (a version not in the catalog, a tenant not found) is the hub's to say.
import { InvalidArgumentError } from 'commander';
import { CommandError } from './command-error.js';
import { webdavAuth, webdavNeedsPassword } from './webdav-auth.js';
import type { WebdavFlags } from './webdav-auth.js';

export interface CreateOptions {
  readonly name: string;
  readonly tenant?: readonly string[];
  readonly category?: readonly string[];
  readonly anyCategory?: boolean;
  readonly concurrency?: number;
  readonly timeout?: number;
  readonly errorThreshold?: number;
  readonly errorMinSettled?: number;
  readonly json?: boolean;
}

export interface UpdateCreateOptions extends CreateOptions {
  readonly firmware?: string;
  readonly app?: { readonly name: string; readonly version: string };
  readonly software?: { readonly name: string; readonly version: string };
}

export interface BackupCreateOptions extends CreateOptions, WebdavFlags {
  readonly url: string;
}

export function parsePercent(value: string): number {
  const percent = /^[0-9]{1,3}(\.[0-9]{1,3})?$/.test(value) ? Number(value) : NaN;
  if (!(percent >= 0 && percent <= 100)) throw new InvalidArgumentError('expected a percentage, 0 to 100');
  return percent;
}

/** `devices@13r2`: an app's (or software's) name and version, split at the last `@`. */
export function parseAppTarget(value: string): { name: string; version: string } {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('expected NAME@VERSION, e.g. devices@13r2');
  return { name: value.slice(0, at), version: value.slice(at + 1) };
}

const refused = (message: string): CommandError => new CommandError('validation_failed', message);

function commonBody(options: CreateOptions): Record<string, unknown> {
  const categories = options.category ?? [];
  if (options.anyCategory === true && categories.length > 0) throw refused('give --category or --any-category, not both');
  // The API takes [] for every device of the tenants: a rollout that wide is asked for by name.
  if (options.anyCategory !== true && categories.length === 0) {
    throw refused('name the device categories with --category C (repeatable), or --any-category for every device of the tenants');
  }
  if (options.errorMinSettled !== undefined && options.errorThreshold === undefined) throw refused('--error-min-settled goes with --error-threshold');
  return {
    name: options.name,
    categories,
    ...(options.tenant === undefined ? {} : { tenants: options.tenant }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
    ...(options.errorThreshold === undefined
      ? {}
      : { errorThreshold: { percent: options.errorThreshold, ...(options.errorMinSettled === undefined ? {} : { minSettled: options.errorMinSettled }) } }),
  };
}

export function updateJobBody(options: UpdateCreateOptions): Record<string, unknown> {
  const common = commonBody(options);
  if (options.firmware !== undefined) return { ...common, target: { kind: 'firmware', version: options.firmware } };
  if (options.app !== undefined) return { ...common, target: { kind: 'app', ...options.app } };
  if (options.software !== undefined) return { ...common, target: { kind: 'software', ...options.software } };
  throw refused('give the target: --firmware VERSION, --app NAME@VERSION or --software NAME@VERSION');
}

/** Whether the backup target takes a password: checked, with the rest of the options, before one is asked for. */
export function needsPassword(options: BackupCreateOptions): boolean {
  // An operator who typed the password should not be refused for a missing --category after.
  commonBody(options);
  return webdavNeedsPassword(options);
}

export function backupJobBody(options: BackupCreateOptions, password: string | undefined): Record<string, unknown> {
  const common = commonBody(options);
  return { ...common, target: { url: options.url, auth: webdavAuth(options, password) } };
}
