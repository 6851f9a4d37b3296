import * as t from 'io-ts';

/**
 * What a person's account may do. `admin`: the whole instance. `owner`: a site owner of its
 * tenants (devices, codes, templates, jobs), as a tenant's shared password allows.
 * `operator`: opens links and connects protocol applications on its tenants' devices, and
 * changes no configuration. `auditor`: reads, history included.
 */
export const UserRole = t.keyof({ admin: null, owner: null, operator: null, auditor: null });
export type UserRole = t.TypeOf<typeof UserRole>;

/** Roles that belong to tenants: an account of one of them names at least one. */
export const isTenantRole = (role: UserRole): boolean => role === 'owner' || role === 'operator';
