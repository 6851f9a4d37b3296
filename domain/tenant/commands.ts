import type { TenantId } from './tenant-id.js';

// Passwords arrive here already hashed: hashing is I/O-bound work of the runtime.
export type TenantCommand =
  | { readonly type: 'CreateTenant'; readonly tenantId: TenantId; readonly name: string; readonly passwordHash: string }
  | { readonly type: 'ChangeTenantPassword'; readonly passwordHash: string }
  | { readonly type: 'GrantTenantAccess'; readonly grantedTenantId: TenantId }
  | { readonly type: 'RevokeTenantAccess'; readonly grantedTenantId: TenantId };
