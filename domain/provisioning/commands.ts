import type { Mac } from '../device/mac.js';

// Commands carry the codeId, never the code (see code-id.ts); the stream is `provisioning-<codeId>`.
export type ProvisioningCommand =
  | { readonly type: 'IssueProvisioningCode'; readonly codeId: string; readonly tenantId: string; readonly maxUses?: number }
  | { readonly type: 'RedeemProvisioningCode'; readonly mac: Mac }
  | { readonly type: 'RevokeProvisioningCode' }
  | { readonly type: 'ExpireProvisioningCode' };
