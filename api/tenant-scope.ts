// Which tenants a principal reaches. A tenant outside its reach is reported as not found,
// never as forbidden, so a tenant-admin, an owner or operator (or a scoped auditor) cannot learn
// which other tenants exist.
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
    case 'tenant-admin':
    case 'owner':
    case 'operator': {
      // Its own tenants and those granted to them.
      const own = ownTenants(principal);
      return services.readModels.read((db) => [...new Set(own.flatMap((tenant) => visibleTenantIds(db, tenant)))]);
    }
    case 'device':
    case 'relay':
      return [];
  }
}

/**
 * The tenants a tenant-admin, owner or operator belongs to (not those merely granted to
 * them): where it may change the tenant itself. None for any other role.
 */
export function ownTenants(principal: Principal): readonly string[] {
  switch (principal.role) {
    case 'tenant-admin':
      return principal.tenant === undefined ? [] : [principal.tenant];
    case 'owner':
    case 'operator':
      return principal.tenants ?? [];
    default:
      return [];
  }
}

/** Whether the principal may change tenant `id` itself (its password, its password deployment). */
export const ownsTenant = (principal: Principal, id: string): boolean =>
  principal.role === 'admin' || principal.role === 'system' || ownTenants(principal).includes(id);

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
