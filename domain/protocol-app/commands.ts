import type { Mac } from '../device/mac.js';
import type { AppTemplate } from './app-template.js';

// The device's tenant is the caller's to establish (it reads the device); the aggregate
// records it with the assignment.
export type ProtocolAppCommand =
  | { readonly type: 'CreateProtocolApp'; readonly appId: string; readonly template: AppTemplate }
  | { readonly type: 'UpdateProtocolApp'; readonly template: AppTemplate }
  | { readonly type: 'DeleteProtocolApp' }
  | { readonly type: 'AssignProtocolApp'; readonly device: Mac; readonly tenantId: string }
  | { readonly type: 'UnassignProtocolApp'; readonly device: Mac };
