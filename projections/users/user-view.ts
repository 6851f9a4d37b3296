import type { UserRole } from '../../domain/user/user-role.js';

/** What may be read of a person's account: never its password hash. */
export interface UserView {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly role: UserRole;
  /** Owners and operators: their tenants; auditors: the tenants they read (null: every tenant); admins: null. */
  readonly tenants: readonly string[] | null;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}
