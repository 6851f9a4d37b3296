// What the agent is started with, what it reports as it runs, and the handle that stops it.
import type { EventEmitter } from 'node:events';
import type { AgentJobMessage } from '../domain/gateway/job-messages.js';
import type { ClosingCause, ErrorMessage, ProvisioningRefusedMessage, Welcome } from '../domain/gateway/hub-messages.js';
import type { StreamRefusalReason } from '../domain/gateway/stream-messages.js';
import type { LinkProtocol } from '../domain/tunnel/link-fields.js';
import type { AllowRule } from './allow-list.js';
import type { BackoffOptions } from './backoff.js';
import type { HookResult } from './password-hook.js';

export interface AgentOptions {
  /**
   * http(s):// or ws(s):// URL of the hub, or several tried in turn; the agent connects to
   * `<hub>/gateway`. Addresses the hub tells it (kept in the state file) are tried first.
   */
  readonly hub: string | readonly string[];
  /** In any accepted form. */
  readonly mac: string;
  /** A provisioning code, redeemed at hello until the hub accepts or refuses it. */
  readonly code?: string;
  /** Where the device password is kept (JSON, mode 0600); without it, only in memory. */
  readonly stateFile?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly categories?: readonly string[];
  readonly apps?: readonly { readonly name: string; readonly version: string }[];
  /** Software packages (software.json ids) installed, reported as apps are. */
  readonly software?: readonly { readonly name: string; readonly version: string }[];
  /** Shell command given the tenant password on stdin. */
  readonly onPassword?: string;
  /** PEM of a private CA the hub's certificate must chain to. */
  readonly ca?: string | Buffer;
  /** One line per action; never given a password. */
  readonly logger?: (line: string) => void;
  readonly backoff?: Partial<BackoffOptions>;
  /** How often the agent checks that the hub still answers. */
  readonly heartbeatMs?: number;
  /** The targets the hub may open streams to; default 127.0.0.1, any port. */
  readonly allow?: readonly AllowRule[];
  /** Shell command given a downloaded update (appended as an argument, and as $TETHER_UPDATE_FILE); without it the file is kept. */
  readonly onUpdate?: string;
  /** Shell command whose stdout is the configuration a backup stores. */
  readonly onBackup?: string;
  /** Shell command given a restored configuration on stdin. */
  readonly onRestore?: string;
  /** The configuration file a backup stores (without onBackup) and a restore replaces (without onRestore). */
  readonly configFile?: string;
  /** Where updates are downloaded; default `updates/` beside the state file (or in the temp directory). */
  readonly updatesDir?: string;
  /** Serve as a target endpoint of dtt-reverse protocol applications (`tether agent --service-endpoint`); --allow still bounds the targets. */
  readonly serviceEndpoint?: boolean;
}

export interface AgentEvents {
  connecting: [url: string];
  online: [welcome: Welcome];
  offline: [closed: { readonly code: number; readonly reason: string; readonly retryInMs: number }];
  /** A device password was received and saved. */
  password: [];
  'tenant-password': [result: HookResult | undefined];
  'provisioning-refused': [reason: ProvisioningRefusalReason];
  'hub-error': [message: ErrorMessage];
  /** The hub said where to dial it from now on (and it differs from what it said before). */
  'hub-address': [urls: readonly string[]];
  closing: [cause: ClosingCause];
  /** A TCP stream is spliced to its dial-back, or a UDP stream's socket is ready. */
  'stream-opened': [streamId: string, protocol: LinkProtocol];
  'stream-refused': [streamId: string, reason: StreamRefusalReason];
  /** Once per stream that got past the allow list, whether or not it opened. */
  'stream-closed': [streamId: string];
  /** An update, backup or restore ended; the result was sent when a connection was open. */
  'job-result': [result: AgentJobMessage];
  stopped: [];
}

export interface AgentHandle {
  readonly events: EventEmitter<AgentEvents>;
  stop(): Promise<void>;
}

export type ProvisioningRefusalReason = ProvisioningRefusedMessage['reason'];
