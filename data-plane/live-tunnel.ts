// What TCP and UDP tunnels share: the tunnel's identity, its byte totals recorded at a bounded
// rate while it is open, and one way to end it (idempotent, recorded once with exact totals).
import type { DatagramRoute } from './datagram-route.js';
import type { ControlConnection } from './control-connection.js';
import type { Mac } from '../domain/device/mac.js';
import type { AgentStreamMessage } from '../domain/gateway/stream-messages.js';
import type { Clock, TimerHandle } from '../domain/ports/clock.js';
import { systemPrincipal } from '../domain/principal.js';
import type { TunnelCommand } from '../domain/tunnel/commands.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import type { CommandContext } from '../domain/command-context.js';
import type { DialBacks } from './dial-backs.js';

export interface TunnelLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface TunnelInfo {
  readonly tunnelId: string;
  readonly device: Mac;
  readonly tenantId: string;
  readonly devicePort: number;
}

export interface Totals {
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
}

/** What a command appended, and the global position of the last event. */
export interface Recorded {
  readonly events: readonly { readonly type: string }[];
  readonly position?: number;
}

/**
 * What a live link needs from its host: the hub's own (the commands go straight to the actor,
 * the agent's messages through its gateway connection), or a relay's (both go through the hub
 * over the relay's control channel).
 */
export interface TunnelEnvironment {
  /** The device's control connection the link was opened on; the link ends with it. */
  readonly control: ControlConnection;
  /** Executes a command on the link's actor; resolves with the events appended. */
  readonly record: (command: TunnelCommand, context: CommandContext) => Promise<Recorded>;
  /** Records the link's end with its final totals, and lets the link go; resolves with the position of TunnelClosed. */
  readonly end: (link: LiveTunnel, ending: TunnelEnding, context: CommandContext) => Promise<{ readonly position?: number }>;
  readonly clock: Clock;
  /** Totals are appended at most this often while they change. */
  readonly progressIntervalMs: number;
  readonly logger: TunnelLogger;
  readonly dialBacks: DialBacks;
  /** How a UDP stream's datagrams reach the device. */
  readonly datagrams: DatagramRoute;
  /** Routes the device's messages of `streamId` to this link, until released. */
  readonly claimStream: (streamId: string, link: LiveTunnel) => void;
  readonly releaseStream: (streamId: string) => void;
}

/** Why a link ended, and exactly the bytes that crossed it. */
export interface TunnelEnding extends Totals {
  readonly cause: TerminationCause;
}

export abstract class LiveTunnel {
  private progress: TimerHandle | undefined;
  private recorded: Totals = { bytesToDevice: 0, bytesFromDevice: 0 };
  private ending: Promise<{ readonly position?: number }> | undefined;
  /** Set once the link is closing: streams that end now are covered by TunnelClosed. */
  protected closingCause: TerminationCause | undefined;

  constructor(
    readonly info: TunnelInfo,
    protected readonly env: TunnelEnvironment,
  ) {}

  /** What the link's own events are recorded as: the hub, correlated by the link. */
  protected get systemContext(): CommandContext {
    return { principal: systemPrincipal, correlationId: this.info.tunnelId };
  }

  get connectionId(): string {
    return this.env.control.connectionId;
  }

  /** Called once its opening is recorded: the link takes clients from now on. */
  abstract start(): void;
  /** The bytes that crossed so far, closed streams included. */
  abstract totals(): Totals;
  /** A message of the device about one of this link's streams. */
  abstract streamMessage(message: AgentStreamMessage): void;
  /** Stops taking clients and ends every live stream; resolves once their sockets are closed. */
  protected abstract teardown(cause: TerminationCause): Promise<void>;

  /** Starts recording the totals while they change. */
  protected startProgress(): void {
    const tick = (): void => {
      if (this.closingCause !== undefined) return;
      const totals = this.totals();
      if (totals.bytesToDevice !== this.recorded.bytesToDevice || totals.bytesFromDevice !== this.recorded.bytesFromDevice) {
        this.recorded = totals;
        this.env.record({ type: 'RecordTraffic', ...totals }, this.systemContext).catch((error: unknown) => this.logFailure(error, 'traffic'));
      }
      this.progress = this.armProgress(tick);
    };
    this.progress = this.armProgress(tick);
  }

  private armProgress(tick: () => void): TimerHandle {
    const { clock, progressIntervalMs } = this.env;
    return clock.at(new Date(clock.now().getTime() + progressIntervalMs), tick);
  }

  /**
   * Ends the link for `cause`: once, however many ask; every live stream ends with it.
   * Resolves with the global position of TunnelClosed.
   */
  close(cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }> {
    this.ending ??= (async () => {
      this.closingCause = cause;
      this.progress?.cancel();
      try {
        await this.teardown(cause);
      } catch (error) {
        this.env.logger.error({ err: error, tunnelId: this.info.tunnelId, cause }, 'a device link did not tear down cleanly');
      }
      const totals = this.totals();
      const ended = await this.env.end(this, { cause, ...totals }, context ?? this.systemContext);
      this.env.logger.info({ tunnelId: this.info.tunnelId, device: this.info.device, cause, ...totals }, 'device link closed');
      return ended;
    })();
    return this.ending;
  }

  /** Ends a link whose end is not to be recorded (its opening never was, or its end already is): resolves once its sockets are closed. */
  async discard(cause: TerminationCause): Promise<void> {
    this.ending ??= (async () => {
      this.closingCause = cause;
      this.progress?.cancel();
      await this.teardown(cause).catch((error: unknown) => {
        this.env.logger.error({ err: error, tunnelId: this.info.tunnelId, cause }, 'a device link did not tear down cleanly');
      });
      return {};
    })();
    // A close whose end could not be recorded has closed the sockets all the same: that failure is its caller's.
    await this.ending.catch(() => undefined);
  }

  protected logFailure(error: unknown, what: string): void {
    this.env.logger.error({ err: error, tunnelId: this.info.tunnelId, what }, 'could not record a device link event');
  }
}
