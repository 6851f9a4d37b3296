// Pure reads on the session read model, for the query API and the dashboards.
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { Database } from '../projection.js';
import { selectSessionRow, shownSession, viewOfRow } from './session-rows.js';
import type { SessionRow } from './session-rows.js';
import type { SessionKind, SessionView } from './session-view.js';

/** Where a page ends: sessions are listed newest first, ties broken by id (descending). */
export interface SessionCursor {
  readonly createdTime: string;
  readonly id: string;
}

export interface ListSessionsOptions {
  /** Tenant ids the caller may see; undefined: all (admins, auditors of every tenant). */
  readonly visibleTo?: readonly string[];
  readonly tenant?: string;
  /** Canonical MAC. */
  readonly device?: string;
  /** requestedBy.id */
  readonly user?: string;
  readonly relay?: string;
  readonly cause?: TerminationCause;
  readonly state?: 'open' | 'closed';
  readonly kind?: SessionKind;
  /** Inclusive bounds on createdTime, as ISO instants from Date.toISOString(). */
  readonly from?: string;
  readonly to?: string;
  /** The last session of the previous page. */
  readonly after?: SessionCursor;
  readonly limit: number;
}

export const cursorOf = (session: Pick<SessionView, 'createdTime' | 'id'>): SessionCursor => ({
  createdTime: session.createdTime,
  id: session.id,
});

/** Newest first: createdTime descending, then id descending. */
export function listSessions(db: Database, options: ListSessionsOptions): SessionView[] {
  if (options.limit <= 0) return [];
  const rows = db
    .prepare<Record<string, string | number | null>, SessionRow>(
      `${selectSessionRow}
       WHERE (:afterTime IS NULL OR s.created_time < :afterTime OR (s.created_time = :afterTime AND s.id < :afterId))
         AND (:visible IS NULL OR s.tenant_id IN (SELECT value FROM json_each(:visible)))
         AND (:tenant IS NULL OR s.tenant_id = :tenant)
         AND (:device IS NULL OR s.device = :device)
         AND (:user IS NULL OR s.requested_by_id = :user)
         AND (:relay IS NULL OR s.relay = :relay)
         AND (:cause IS NULL OR s.termination_cause = :cause)
         AND (:state IS NULL OR s.state = :state)
         AND (:kind IS NULL OR s.kind = :kind)
         AND (:fromTime IS NULL OR s.created_time >= :fromTime)
         AND (:toTime IS NULL OR s.created_time <= :toTime)
       ORDER BY s.created_time DESC, s.id DESC LIMIT :limit`,
    )
    .all({
      afterTime: options.after?.createdTime ?? null,
      afterId: options.after?.id ?? null,
      visible: options.visibleTo === undefined ? null : JSON.stringify(options.visibleTo),
      tenant: options.tenant ?? null,
      device: options.device ?? null,
      user: options.user ?? null,
      relay: options.relay ?? null,
      cause: options.cause ?? null,
      state: options.state ?? null,
      kind: options.kind ?? null,
      fromTime: options.from ?? null,
      toTime: options.to ?? null,
      limit: options.limit,
    });
  return rows.map((row) => shownSession(viewOfRow(row)));
}

export function getSession(db: Database, id: string): SessionView | undefined {
  const row = db.prepare<[string], SessionRow>(`${selectSessionRow} WHERE s.id = ?`).get(id);
  return row === undefined ? undefined : shownSession(viewOfRow(row));
}
