import * as t from 'io-ts';

/** Why a provisioning code was not redeemed; the agent prints it to whoever typed the code. */
export const ProvisioningRefusalReason = t.keyof({ expired: null, revoked: null, 'used-up': null, unknown: null });
export type ProvisioningRefusalReason = t.TypeOf<typeof ProvisioningRefusalReason>;
