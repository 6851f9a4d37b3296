// Commands carry the SHA-256 of a token, never the token (hashing is I/O-free but lives outside
// domain/, with node:crypto). The heartbeat timeout is the hub's configuration, given with
// each command that restarts the clock on it.
export interface RelayRegistration {
  readonly name: string;
  readonly description?: string;
  readonly hostName?: string;
  readonly externalHostName?: string;
  readonly alternateHostName?: string;
  readonly port?: number;
  readonly maxSessions?: number;
}

export type RelayCommand =
  | (RelayRegistration & {
      readonly type: 'RegisterRelay';
      /** Absent: the message had no token. */
      readonly tokenHash?: string;
      readonly heartbeatTimeoutMs: number;
      /** The relay presented the hub's join secret (checked by the host): it is approved at once. */
      readonly joinSecretPresented: boolean;
    })
  | { readonly type: 'UnregisterRelay'; readonly hostName?: string; readonly tokenHash?: string }
  | {
      readonly type: 'ReportRelayStatus';
      readonly hostName?: string;
      readonly tokenHash?: string;
      readonly currentNumberOfSessions?: number;
      /** How many sessions the status lists. */
      readonly sessionsListed: number;
      readonly heartbeatTimeoutMs: number;
    }
  /** The deadline: fired at reportingUntil, with the system principal. */
  | { readonly type: 'MarkRelayNotReporting' }
  | { readonly type: 'ApproveRelay' }
  | { readonly type: 'ResetRelayToken' }
  | { readonly type: 'DeleteRelay' };
