// What connecting a protocol application on a device opens, and how it ends. Each connection
// is recorded as a session (per port mapping for dtt-reverse) with the DeviceLink record's
// fields and causes, plus the application's id.
import type { Mac } from '../../domain/device/mac.js';
import type { AgentReverseMessage } from '../../domain/gateway/reverse-messages.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { DeviceDialer } from '../../data-plane/device-dialer.js';
import type { ForwardEnvironment } from '../forward-session/forward-session.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { PortPool } from '../../data-plane/port-pool.js';
import type { ServiceEndpoints } from './service-endpoints.js';
import type { AppSessionsLive } from './app-sessions-live.js';

export interface AppConnectionEnv {
  readonly forward: ForwardEnvironment;
  readonly dialer: DeviceDialer;
  /** Hands out the hub ports of tcp, udp and http applications (the DeviceLink range). */
  readonly pool: PortPool;
  readonly endpoints: ServiceEndpoints;
  readonly clock: Clock;
  readonly logger: TunnelLogger;
  readonly nodeId: string;
  /** How long the device's agent may take to start listening (dtt-reverse); default 10 s. */
  readonly listenTimeoutMs?: number;
}

/** What a connection works with: the sessions' live module binds its port and takes over the end it cannot store. */
export interface ConnectionEnv extends Omit<AppConnectionEnv, 'pool'> {
  readonly sessions: AppSessionsLive;
}

export interface ConnectRequest {
  readonly appId: string;
  readonly template: AppTemplate;
  readonly device: Mac;
  /** The device's tenant (the caller checked the principal may see it). */
  readonly tenantId: string;
  readonly context: CommandContext;
}

export interface AppConnection {
  readonly appId: string;
  readonly device: Mac;
  readonly type: AppTemplate['type'];
  /** The sessions recording it: one, or one per port mapping (dtt-reverse). */
  readonly sessionIds: readonly string[];
  /** Where a user's client connects on the hub (tcp, udp, http). */
  readonly port?: number;
  /** Global position of the last opening event, for read-your-writes. */
  readonly position?: number;
  /** Ends it for `cause`, once however many ask; resolves with the last closing event's position. */
  close(cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }>;
  /** A message of the device's agent about this connection's listeners (dtt-reverse). */
  reverseMessage(message: AgentReverseMessage): void;
  /** Heard once it has ended, whatever the cause. */
  onEnded(listener: () => void): void;
}
