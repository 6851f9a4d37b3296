// The read models a dashboard may subscribe to: the change each publishes and how to read
// its current state for a snapshot.
import { parseMac } from '../domain/device/mac.js';
import type { Database } from '../projections/projection.js';
import { deviceChanged, listDevices } from '../projections/devices/index.js';
import { jobCountsIn, jobProgress, jobSeenBy, listJobs } from '../projections/jobs/index.js';
import type { JobChange } from '../projections/jobs/index.js';
import { listRelays, relayChanged } from '../projections/relays/index.js';
import { cursorOf, listSessions, sessionChanged } from '../projections/sessions/index.js';
import type { SessionCursor } from '../projections/sessions/index.js';
import { listTenants, tenantChanged } from '../projections/tenants/index.js';
import type { DashboardChangeEvent, DashboardModel } from './dashboard-protocol.js';

export interface DashboardModelSpec {
  readonly change: DashboardChangeEvent;
  /** Every item within `visibleTo` (undefined: all), read in pages within one synchronous call, so at one position. */
  readonly readAll: (db: Database, visibleTo: readonly string[] | undefined) => unknown[];
  /** A change's payload as a client that hears only of `visibleTo` may see it; absent: as published. */
  readonly seenBy?: (db: Database, payload: unknown, visibleTo: readonly string[]) => unknown;
}

const pageSize = 500;

function readPages<T, K>(page: (after: K | undefined) => T[], keyOf: (item: T) => K): T[] {
  const all: T[] = [];
  let after: K | undefined;
  for (;;) {
    const items = page(after);
    all.push(...items);
    const lastItem = items[items.length - 1];
    if (items.length < pageSize || lastItem === undefined) return all;
    after = keyOf(lastItem);
  }
}

export const dashboardModels: Readonly<Record<DashboardModel, DashboardModelSpec>> = {
  tenants: {
    change: tenantChanged,
    readAll: (db, visibleTo) =>
      readPages((after: string | undefined) => listTenants(db, { visibleTo, after, limit: pageSize }), (tenant) => tenant.id),
  },
  devices: {
    change: deviceChanged,
    readAll: (db, visibleTo) =>
      readPages((after: string | undefined) => listDevices(db, { visibleTo, after, limit: pageSize }), (device) => parseMac(device.mac)),
  },
  sessions: {
    change: sessionChanged,
    // The open ones: the history would not fit a snapshot (see DashboardModel).
    readAll: (db, visibleTo) =>
      readPages((after: SessionCursor | undefined) => listSessions(db, { visibleTo, state: 'open', after, limit: pageSize }), cursorOf),
  },
  jobs: {
    change: jobProgress,
    readAll: (db, visibleTo) =>
      readPages((before: number | undefined) => listJobs(db, { visibleTo, before, limit: pageSize }), (listed) => listed.seq).map((listed) =>
        jobSeenBy(listed.job, visibleTo, (tenants) => jobCountsIn(db, listed.job.id, tenants)),
      ),
    // A job of several tenants names only the client's, with their counts.
    seenBy: (db, payload, visibleTo) => {
      const change = payload as JobChange;
      return { ...change, job: jobSeenBy(change.job, visibleTo, (tenants) => jobCountsIn(db, change.job.id, tenants)) };
    },
  },
  relays: {
    change: relayChanged,
    // Relays are no tenant's: only those who see every tenant see them.
    readAll: (db, visibleTo) =>
      visibleTo === undefined ? readPages((after: string | undefined) => listRelays(db, { after, limit: pageSize }), (relay) => relay.name) : [],
  },
};

export const allDashboardModels: readonly DashboardModel[] = ['tenants', 'devices', 'sessions', 'jobs', 'relays'];

/** Snapshot items go out in parts of this size. */
export const snapshotPartSize = pageSize;
