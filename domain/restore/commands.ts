import type { WebdavAuth } from '../gateway/job-messages.js';
import type { Mac } from '../device/mac.js';
import type { RestoreFailureCause } from './events.js';

// The stream is `restore-<requestId>`.
export type RestoreCommand =
  | {
      readonly type: 'RequestRestore';
      readonly requestId: string;
      readonly mac: Mac;
      readonly tenantId?: string;
      readonly url: string;
      readonly auth: WebdavAuth;
      readonly timeoutMs: number;
    }
  | { readonly type: 'SettleRestore'; readonly outcome: { readonly ok: true } | { readonly ok: false; readonly cause: RestoreFailureCause; readonly error?: string } }
  | { readonly type: 'ExpireRestore' };
