// Pure reads on the user read model. Deleted accounts are in no answer.
import type { UserRole } from '../../domain/user/user-role.js';
import type { Database } from '../projection.js';
import type { UserView } from './user-view.js';

export interface ListUsersOptions {
  /** Cursor: the id of the last user of the previous page. */
  readonly after?: string;
  readonly limit: number;
  /** Only owners and operators all of whose tenants are among these (an owner's reach); absent: every user. */
  readonly within?: readonly string[];
}

interface UserRow {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly role: UserRole;
  readonly tenants: string | null;
  readonly disabled: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const selectView =
  'SELECT id, name, email, role, tenants, disabled, created_at AS createdAt, updated_at AS updatedAt FROM users WHERE deleted = 0';

const withinTenants = `role IN ('owner', 'operator') AND tenants IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM json_each(users.tenants) AS t WHERE t.value NOT IN (SELECT value FROM json_each(:within)))`;

const toView = (row: UserRow): UserView => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  tenants: row.tenants === null ? null : (JSON.parse(row.tenants) as string[]),
  disabled: row.disabled === 1,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** Ordered by id, disabled users included. */
export function listUsers(db: Database, options: ListUsersOptions): UserView[] {
  if (options.limit <= 0) return [];
  const within = options.within === undefined ? null : JSON.stringify(options.within);
  return db
    .prepare<{ after: string | null; limit: number; within: string | null }, UserRow>(
      `${selectView} AND (:after IS NULL OR id > :after) AND (:within IS NULL OR (${withinTenants})) ORDER BY id LIMIT :limit`,
    )
    .all({ after: options.after ?? null, limit: options.limit, within })
    .map(toView);
}

export function getUser(db: Database, id: string): UserView | undefined {
  const row = db.prepare<[string], UserRow>(`${selectView} AND id = ?`).get(id);
  return row === undefined ? undefined : toView(row);
}
