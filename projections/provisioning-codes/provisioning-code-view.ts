/** 'live' also requires `expiresAt` to be in the future: the expiry event may not have fired yet. */
export type ProvisioningCodeState = 'live' | 'used-up' | 'revoked' | 'expired';

/** Never the code itself: the hub keeps only its id, a one-way hash of it. */
export interface ProvisioningCodeView {
  readonly codeId: string;
  readonly tenantId: string;
  readonly expiresAt: string;
  /** Absent: any number of devices. */
  readonly maxUses?: number;
  /** Devices that redeemed it so far. */
  readonly uses: number;
  readonly createdAt: string;
  readonly state: ProvisioningCodeState;
}
