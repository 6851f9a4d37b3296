import type { TenantId } from './tenant-id.js';

// Passwords arrive here already hashed, and sealed for deployment: hashing and encryption
// are work of the runtime, and no password enters domain/ in clear.
export type TenantCommand =
  | {
      readonly type: 'CreateTenant';
      readonly tenantId: TenantId;
      readonly name: string;
      readonly passwordHash: string;
      readonly sealedPassword?: string;
    }
  | { readonly type: 'ChangeTenantPassword'; readonly passwordHash: string; readonly sealedPassword?: string }
  | { readonly type: 'GrantTenantAccess'; readonly grantedTenantId: TenantId }
  | { readonly type: 'RevokeTenantAccess'; readonly grantedTenantId: TenantId }
  | { readonly type: 'SetTenantPasswordDeployment'; readonly enabled: boolean };
