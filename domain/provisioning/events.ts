import * as t from 'io-ts';
import { Mac } from '../device/mac.js';

// No event ever holds the code in clear: codeId is derived from it by a one-way hash (code-id.ts).

/** Valid until `expiresAt` (one hour after issue) for `maxUses` devices, or any number if absent. */
export const ProvisioningCodeIssued = t.type({
  type: t.literal('ProvisioningCodeIssued'),
  data: t.intersection([
    t.type({ codeId: t.string, tenantId: t.string, expiresAt: t.string }),
    t.partial({ maxUses: t.number }),
  ]),
});
export type ProvisioningCodeIssued = t.TypeOf<typeof ProvisioningCodeIssued>;

export const ProvisioningCodeRedeemed = t.type({
  type: t.literal('ProvisioningCodeRedeemed'),
  data: t.type({ codeId: t.string, mac: Mac }),
});
export type ProvisioningCodeRedeemed = t.TypeOf<typeof ProvisioningCodeRedeemed>;

export const ProvisioningCodeRevoked = t.type({
  type: t.literal('ProvisioningCodeRevoked'),
  data: t.type({ codeId: t.string }),
});
export type ProvisioningCodeRevoked = t.TypeOf<typeof ProvisioningCodeRevoked>;

export const ProvisioningCodeExpired = t.type({
  type: t.literal('ProvisioningCodeExpired'),
  data: t.type({ codeId: t.string }),
});
export type ProvisioningCodeExpired = t.TypeOf<typeof ProvisioningCodeExpired>;

export const ProvisioningEvent = t.union([
  ProvisioningCodeIssued,
  ProvisioningCodeRedeemed,
  ProvisioningCodeRevoked,
  ProvisioningCodeExpired,
]);
export type ProvisioningEvent = t.TypeOf<typeof ProvisioningEvent>;
