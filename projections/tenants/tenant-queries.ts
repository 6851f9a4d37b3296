// Pure reads on the tenant read model, for the query API and the dashboards.
import type { Database } from '../projection.js';
import type { TenantView } from './tenant-view.js';

export interface ListTenantsOptions {
  /** Tenant ids the caller may see; undefined: all (admins). */
  readonly visibleTo?: readonly string[];
  /** Cursor: the id of the last tenant of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

interface TenantRow {
  readonly id: string;
  readonly name: string;
  readonly passwordDeployment: number;
  readonly grants: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const selectView = `
  SELECT t.id, t.name, t.password_deployment AS passwordDeployment, t.created_at AS createdAt, t.updated_at AS updatedAt,
    (SELECT json_group_array(granted_tenant_id) FROM
      (SELECT granted_tenant_id FROM tenant_grants g WHERE g.tenant_id = t.id ORDER BY granted_tenant_id)) AS grants
  FROM tenants t`;

const toView = (row: TenantRow): TenantView => ({
  id: row.id,
  name: row.name,
  grants: JSON.parse(row.grants) as string[],
  passwordDeployment: row.passwordDeployment === 1,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** Ordered by id. */
export function listTenants(db: Database, options: ListTenantsOptions): TenantView[] {
  if (options.limit <= 0) return [];
  const rows = db
    .prepare<{ after: string | null; visible: string | null; limit: number }, TenantRow>(
      `${selectView}
       WHERE (:after IS NULL OR t.id > :after)
         AND (:visible IS NULL OR t.id IN (SELECT value FROM json_each(:visible)))
       ORDER BY t.id LIMIT :limit`,
    )
    .all({
      after: options.after ?? null,
      visible: options.visibleTo === undefined ? null : JSON.stringify(options.visibleTo),
      limit: options.limit,
    });
  return rows.map(toView);
}

export function getTenant(db: Database, id: string): TenantView | undefined {
  const row = db.prepare<[string], TenantRow>(`${selectView} WHERE t.id = ?`).get(id);
  return row === undefined ? undefined : toView(row);
}

/** The tenant itself, then the tenants it was granted access to. */
export function visibleTenantIds(db: Database, tenantId: string): string[] {
  const granted = db
    .prepare<[string], string>('SELECT granted_tenant_id FROM tenant_grants WHERE tenant_id = ? ORDER BY granted_tenant_id')
    .pluck()
    .all(tenantId);
  return [tenantId, ...granted];
}
