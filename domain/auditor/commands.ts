import type { AuditorId } from './auditor-id.js';

// Passwords arrive here already hashed: hashing is work of the runtime, and no password
// enters domain/ in clear. That the named tenants exist is checked by the caller.
export type AuditorCommand =
  | {
      readonly type: 'CreateAuditor';
      readonly auditorId: AuditorId;
      readonly name: string;
      readonly passwordHash: string;
      /** Absent: every tenant. */
      readonly tenants?: readonly string[];
    }
  | { readonly type: 'ChangeAuditorPassword'; readonly passwordHash: string }
  | { readonly type: 'DisableAuditor' };
