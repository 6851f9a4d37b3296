// The instance has one stream, `instance-admin`: the id every command targets.
export const instanceAdminId = 'admin';

import type { HubUrls } from './hub-url.js';

// The password arrives already hashed: hashing is I/O-bound work of the host.
export type InstanceCommand =
  | { readonly type: 'InitializeAdmin'; readonly passwordHash: string }
  | { readonly type: 'SetHubAddress'; readonly urls: HubUrls };
