// The /dashboard wire protocol. A client connects with {auth: {token}}, then emits
// `subscribe` with an ack. Without `after` it first receives a `snapshot` of each model it
// asked for; with `after` it receives every change after that position it may see (or a
// snapshot, if the node no longer keeps them: then the ack says resumed: false). The ack
// comes last and carries the position the client is now up to date with; changes follow,
// strictly by position, each with the position it reflects.
import * as t from 'io-ts';
import type { Socket } from 'socket.io';
import type { ErrorCode } from '../domain/errors.js';
import type { Credentials } from './credentials.js';
import type { deviceChanged } from '../projections/devices/index.js';
import type { jobProgress } from '../projections/jobs/index.js';
import type { relayChanged } from '../projections/relays/index.js';
import type { sessionChanged } from '../projections/sessions/index.js';
import type { tenantChanged } from '../projections/tenants/index.js';

/**
 * `sessions`: a snapshot holds the open ones; a session that closes is told once more by its
 * `session.changed` (state closed). The whole history is read at GET /api/v1/sessions.
 * `jobs`: a snapshot holds the update and backup jobs (without their devices); each event of a
 * job sends `job.progress` {job, device?}: the job with its counts, and the device it concerns.
 * `relays`: the relay servers, for those who see every tenant (`relay.changed` per change).
 */
export const DashboardModel = t.keyof({ tenants: null, devices: null, sessions: null, jobs: null, relays: null });
export type DashboardModel = t.TypeOf<typeof DashboardModel>;

interface PositionBrand {
  readonly Position: unique symbol;
}
/** A global position of the store, -1 before the first event. */
const Position = t.brand(t.number, (n): n is t.Branded<number, PositionBrand> => Number.isSafeInteger(n) && n >= -1, 'Position');

interface NonEmptyBrand {
  readonly NonEmpty: unique symbol;
}
const nonEmpty = <C extends t.Mixed>(codec: C) =>
  t.brand(
    t.readonlyArray(codec),
    (items): items is t.Branded<readonly t.TypeOf<C>[], NonEmptyBrand> => items.length > 0 && items.length <= 1000,
    'NonEmpty',
  );

export const SubscribeRequest = t.exact(
  t.intersection([
    t.type({ models: nonEmpty(DashboardModel) }),
    t.partial({
      /** Default: every tenant the client may see, following grants made or revoked later. */
      tenants: nonEmpty(t.string),
      /** The last position the client saw: resume after it. */
      after: Position,
    }),
  ]),
);
export type SubscribeRequest = t.TypeOf<typeof SubscribeRequest>;

export type SubscribeAck =
  | {
      readonly ok: true;
      /** The client has everything it may see up to this position; changes after it follow. */
      readonly position: number;
      /** True: the changes after `after` were replayed; false: a snapshot was sent instead. */
      readonly resumed: boolean;
      /** The tenants it now hears of; null: every one, unassigned devices included. */
      readonly tenants: readonly string[] | null;
    }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string; readonly details: readonly string[] } };

/** What every change carries: the global position lets a client resume from it. */
export interface DashboardMessage {
  readonly position: number;
  readonly payload: unknown;
}

/**
 * The state of one model at `position`, in parts. Part 0 replaces everything the client holds
 * of `model` within `tenants` (null: all of it); later parts add to it; `last` ends it. Also
 * sent while subscribed when the tenants a client may see change (a grant, a revoke).
 */
export interface SnapshotMessage {
  readonly model: DashboardModel;
  readonly position: number;
  readonly tenants: readonly string[] | null;
  readonly items: readonly unknown[];
  readonly part: number;
  readonly last: boolean;
}

export interface DashboardServerEvents {
  [tenantChanged]: (message: DashboardMessage) => void;
  [deviceChanged]: (message: DashboardMessage) => void;
  [sessionChanged]: (message: DashboardMessage) => void;
  [jobProgress]: (message: DashboardMessage) => void;
  [relayChanged]: (message: DashboardMessage) => void;
  snapshot: (message: SnapshotMessage) => void;
}

export type DashboardChangeEvent = typeof tenantChanged | typeof deviceChanged | typeof sessionChanged | typeof jobProgress | typeof relayChanged;

export interface DashboardClientEvents {
  subscribe: (request: unknown, ack?: unknown) => void;
}

export interface DashboardSocketData {
  credentials: Credentials;
}

export type DashboardSocket = Socket<DashboardClientEvents, DashboardServerEvents, Record<string, never>, DashboardSocketData>;
