// Pure reads on the auditor read model, for the admin's auditor API.
import type { Database } from '../projection.js';
import type { AuditorView } from './auditor-view.js';

export interface ListAuditorsOptions {
  /** Cursor: the id of the last auditor of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

interface AuditorRow {
  readonly id: string;
  readonly name: string;
  readonly tenants: string | null;
  readonly disabled: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const selectView =
  'SELECT id, name, tenants, disabled, created_at AS createdAt, updated_at AS updatedAt FROM auditors';

const toView = (row: AuditorRow): AuditorView => ({
  id: row.id,
  name: row.name,
  tenants: row.tenants === null ? null : (JSON.parse(row.tenants) as string[]),
  disabled: row.disabled === 1,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** Ordered by id, disabled auditors included. */
export function listAuditors(db: Database, options: ListAuditorsOptions): AuditorView[] {
  if (options.limit <= 0) return [];
  return db
    .prepare<{ after: string | null; limit: number }, AuditorRow>(
      `${selectView} WHERE (:after IS NULL OR id > :after) ORDER BY id LIMIT :limit`,
    )
    .all({ after: options.after ?? null, limit: options.limit })
    .map(toView);
}

export function getAuditor(db: Database, id: string): AuditorView | undefined {
  const row = db.prepare<[string], AuditorRow>(`${selectView} WHERE id = ?`).get(id);
  return row === undefined ? undefined : toView(row);
}
