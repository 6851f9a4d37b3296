// Which accounts a principal manages. The admin manages every one; an owner the owners and
// operators all of whose tenants are its own (those it could have created). An account
// outside its reach is reported as not found, never as forbidden, as tenants are.
import { TetherError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { isTenantRole } from '../domain/user/user-role.js';
import type { UserRole } from '../domain/user/user-role.js';
import { ownTenants, tenantNotFound } from './tenant-scope.js';

/** The tenants whose accounts the principal manages; undefined: every account. */
export const userReach = (principal: Principal): readonly string[] | undefined =>
  principal.role === 'admin' || principal.role === 'system' ? undefined : ownTenants(principal);

export interface Account {
  readonly role: UserRole;
  readonly tenants: readonly string[] | null;
}

export function reaches(principal: Principal, account: Account): boolean {
  const reach = userReach(principal);
  if (reach === undefined) return true;
  return isTenantRole(account.role) && account.tenants !== null && account.tenants.every((tenant) => reach.includes(tenant));
}

/** Refuses to create an account the principal could not then manage. */
export function assertMayCreate(principal: Principal, role: UserRole, tenants: readonly string[] | undefined): void {
  const reach = userReach(principal);
  if (reach === undefined) return;
  if (!isTenantRole(role)) throw new TetherError('forbidden', `role ${principal.role} may create only owners and operators`);
  for (const [index, tenant] of (tenants ?? []).entries()) {
    if (!reach.includes(tenant)) throw tenantNotFound(tenant, `body.tenants.${index}`);
  }
}
