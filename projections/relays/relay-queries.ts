// Pure reads on the relay read model, for the query API and the dashboards.
import type { RelayView } from '../../domain/relay/relay-view.js';
import type { Database } from '../projection.js';

export interface ListRelaysOptions {
  /** Include relays an admin deleted; default: registered ones only. */
  readonly deleted?: boolean;
  /** The last name of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

/** By name. */
export function listRelays(db: Database, options: ListRelaysOptions): RelayView[] {
  if (options.limit <= 0) return [];
  const rows = db
    .prepare<Record<string, string | number | null>, { view: string }>(
      `SELECT view FROM relays
       WHERE (:after IS NULL OR name > :after) AND (:deleted = 1 OR state <> 'deleted')
       ORDER BY name LIMIT :limit`,
    )
    .all({ after: options.after ?? null, deleted: options.deleted === true ? 1 : 0, limit: options.limit });
  return rows.map((row) => JSON.parse(row.view) as RelayView);
}

export function getRelay(db: Database, name: string): RelayView | undefined {
  const row = db.prepare<[string], { view: string }>('SELECT view FROM relays WHERE name = ?').get(name);
  return row === undefined ? undefined : (JSON.parse(row.view) as RelayView);
}
