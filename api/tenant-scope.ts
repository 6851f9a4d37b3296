// Which tenants a principal reaches. A tenant outside its reach is reported as not found,
// never as forbidden, so a tenant-admin (or a scoped auditor) cannot learn which other tenants exist.
import { TetherError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { tenantAggregate } from '../domain/tenant/aggregate.js';
import { visibleTenantIds } from '../projections/tenants/index.js';
import type { HubServices } from './plugins/services.js';

/** The tenant ids the principal may see; undefined means every tenant. */
export function visibleTenants(services: HubServices, principal: Principal): readonly string[] | undefined {
  switch (principal.role) {
    case 'admin':
    case 'system':
      return undefined;
    case 'auditor':
      // Exactly the tenants it was created for (no grants), or every tenant.
      return principal.tenants;
    case 'tenant-admin': {
      const { tenant } = principal;
      return tenant === undefined ? [] : services.readModels.read((db) => visibleTenantIds(db, tenant));
    }
    case 'device':
    case 'relay':
      return [];
  }
}

export const tenantNotFound = (id: string, path = 'params.id'): TetherError =>
  new TetherError('not_found', `tenant ${id} not found`, [path]);

export function assertTenantVisible(services: HubServices, principal: Principal, id: string): void {
  const visible = visibleTenants(services, principal);
  if (visible !== undefined && !visible.includes(id)) throw tenantNotFound(id);
}

/** Checks the store itself, not the read model, so a tenant another hub just created counts. */
export async function assertTenantExists(services: HubServices, id: string, path = 'params.id'): Promise<void> {
  const { state } = await services.runtime.load(tenantAggregate, id);
  if (state.matches('absent')) throw tenantNotFound(id, path);
}
