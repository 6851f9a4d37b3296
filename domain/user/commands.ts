import type { UserId } from './user-id.js';
import type { UserRole } from './user-role.js';

// Passwords arrive here already hashed: no password enters domain/ in clear. That the
// named tenants exist, and that the caller may give this role, is checked by the caller.
export type UserCommand =
  | {
      readonly type: 'CreateUser';
      readonly userId: UserId;
      readonly name: string;
      readonly email?: string;
      readonly passwordHash: string;
      readonly role: UserRole;
      /** Owners and operators: their tenants. Auditors: the only tenants they read (absent: every tenant). Admins: none. */
      readonly tenants?: readonly string[];
    }
  | { readonly type: 'ChangeUserPassword'; readonly passwordHash: string }
  | { readonly type: 'DisableUser' }
  | { readonly type: 'EnableUser' }
  | { readonly type: 'DeleteUser' };
