export { provisioningCodesProjection } from './provisioning-codes-projection.js';
export { getProvisioningCode, listLiveProvisioningCodes } from './provisioning-code-queries.js';
export type { ProvisioningCodeState, ProvisioningCodeView } from './provisioning-code-view.js';
