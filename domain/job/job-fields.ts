// Fields every job has, as codecs shared by its events and by the API's requests.
import * as t from 'io-ts';
import { Role } from '../principal.js';
import { TenantId } from '../tenant/tenant-id.js';

interface JobNameBrand {
  readonly JobName: unique symbol;
}
export const JobName = t.brand(t.string, (s): s is t.Branded<string, JobNameBrand> => s.trim().length > 0 && s.length <= 200, 'JobName');

interface CategoryBrand {
  readonly Category: unique symbol;
}
export const Category = t.brand(t.string, (s): s is t.Branded<string, CategoryBrand> => s.length > 0 && s.length <= 200, 'Category');

interface ListBrand {
  readonly BoundedList: unique symbol;
}
/** 0 to 100 categories; a device suits the job when it has one of them (reported or admin-set), or any device when none is given. */
export const Categories = t.brand(
  t.array(Category),
  (list): list is t.Branded<t.TypeOf<typeof Category>[], ListBrand> => list.length <= 100,
  'BoundedList',
);

interface TenantsBrand {
  readonly Tenants: unique symbol;
}
/** 1 to 100 tenants. */
export const Tenants = t.brand(
  t.array(TenantId),
  (list): list is t.Branded<t.TypeOf<typeof TenantId>[], TenantsBrand> => list.length >= 1 && list.length <= 100,
  'Tenants',
);

export const maxConcurrency = 1000;
interface ConcurrencyBrand {
  readonly Concurrency: unique symbol;
}
/** How many devices may be in flight together: 1 to 1000. */
export const Concurrency = t.brand(
  t.number,
  (n): n is t.Branded<number, ConcurrencyBrand> => Number.isSafeInteger(n) && n >= 1 && n <= maxConcurrency,
  'Concurrency',
);

interface JobTimeoutBrand {
  readonly JobTimeout: unique symbol;
}
export const maxJobTimeoutMs = 24 * 3600 * 1000;
/** How long a device has to report back, in ms: 1 second to 24 hours (a device silent that long is failed; retry asks it again). */
export const JobTimeoutMs = t.brand(
  t.number,
  (n): n is t.Branded<number, JobTimeoutBrand> => Number.isSafeInteger(n) && n >= 1000 && n <= maxJobTimeoutMs,
  'JobTimeout',
);

interface PercentBrand {
  readonly Percent: unique symbol;
}
const Percent = t.brand(t.number, (n): n is t.Branded<number, PercentBrand> => Number.isFinite(n) && n >= 0 && n <= 100, 'Percent');
interface CountBrand {
  readonly PositiveCount: unique symbol;
}
const PositiveCount = t.brand(t.number, (n): n is t.Branded<number, CountBrand> => Number.isSafeInteger(n) && n >= 1, 'PositiveCount');

/** Stop the job when more than `percent` % of the devices settled in a pass failed (after `minSettled`, default 1). */
export const ErrorThreshold = t.intersection([t.type({ percent: Percent }), t.partial({ minSettled: PositiveCount })]);
export type ErrorThreshold = t.TypeOf<typeof ErrorThreshold>;

export const JobState = t.keyof({ queued: null, running: null, paused: null, completed: null, halted: null, canceled: null });
export type JobState = t.TypeOf<typeof JobState>;

/** What every job is created with, whatever it does to its devices (checked by decide, plain in the event). */
export const jobBasics = {
  jobId: t.string,
  name: t.string,
  tenants: t.array(t.string),
  categories: t.array(t.string),
  concurrency: t.number,
  timeoutMs: t.number,
  createdAt: t.string,
  createdBy: t.type({ id: t.string, role: Role }),
};

export const StoredErrorThreshold = t.intersection([t.type({ percent: t.number }), t.partial({ minSettled: t.number })]);

export const DeviceFailureCause = t.keyof({ error: null, timeout: null });
export type DeviceFailureCause = t.TypeOf<typeof DeviceFailureCause>;
