// One live session of a proxy or a protocol application, as its host (the proxy or the
// application's connection) runs it: it records the session's events, its totals at a bounded
// rate while they change, and its end once, with exactly the bytes that crossed. The host
// owns the sockets; it hands each stream's meter over once the target is reached.
import type { ForwardClient, ForwardCommand, ForwardTraffic } from '../../domain/forward-session/commands.js';
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import { isTetherError } from '../../domain/errors.js';
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';

export type { ForwardTraffic } from '../../domain/forward-session/commands.js';

export const noTraffic: ForwardTraffic = { bytesToTarget: 0, bytesFromTarget: 0 };

const plus = (a: ForwardTraffic, b: ForwardTraffic): ForwardTraffic => ({
  bytesToTarget: a.bytesToTarget + b.bytesToTarget,
  bytesFromTarget: a.bytesFromTarget + b.bytesFromTarget,
});

/** A stream whose target is reached: its live counts, a way to end it, and its final counts. */
export interface StreamMeter {
  bytes(): ForwardTraffic;
  /** Ends the stream now (both sides reset). */
  abort(): void;
  /** Settles once the stream's sockets are closed, with its final counts. */
  readonly done: Promise<ForwardTraffic>;
}

export interface ForwardEnvironment {
  readonly runtime: ActorRuntime;
  readonly clock: Clock;
  /** Totals are appended at most this often while they change. */
  readonly progressIntervalMs: number;
  readonly logger: TunnelLogger;
}

export type OpenForwardFields = Omit<Extract<ForwardCommand, { type: 'OpenForward' }>, 'type'>;

interface LiveStream {
  /** Lets go of a stream whose target is not reached yet. */
  readonly cancel: () => void;
  meter?: StreamMeter;
}

export class LiveForwardSession {
  private readonly streams = new Map<string, LiveStream>();
  private closedTotals: ForwardTraffic = noTraffic;
  private recorded: ForwardTraffic = noTraffic;
  private progress: TimerHandle | undefined;
  private ending: Promise<{ readonly position?: number }> | undefined;
  private closingCause: TerminationCause | undefined;
  private readonly endListeners: ((cause: TerminationCause) => void)[] = [];

  private constructor(
    readonly sessionId: string,
    private readonly env: ForwardEnvironment,
  ) {}

  /** Records the session's opening (and its first client's stream, given `firstClient`). */
  static async open(
    env: ForwardEnvironment,
    fields: OpenForwardFields,
    context: CommandContext,
    cancelFirst: () => void = () => undefined,
  ): Promise<{ readonly session: LiveForwardSession; readonly position?: number }> {
    const { position } = await env.runtime.execute(forwardAggregate, fields.sessionId, { type: 'OpenForward', ...fields }, context);
    const session = LiveForwardSession.opened(env, fields.sessionId);
    if (fields.firstClient !== undefined) session.streams.set(fields.firstClient.streamId, { cancel: cancelFirst });
    return position === undefined ? { session } : { session, position };
  }

  /** The live side of a session whose opening is stored already (by a live module's reservation). */
  static opened(env: ForwardEnvironment, sessionId: string): LiveForwardSession {
    const session = new LiveForwardSession(sessionId, env);
    session.startProgress();
    return session;
  }

  /** Set once the session is ending. */
  get closing(): TerminationCause | undefined {
    return this.closingCause;
  }

  get liveStreams(): number {
    return this.streams.size;
  }

  /** Heard once the end is recorded (or failed to be). */
  onEnded(listener: (cause: TerminationCause) => void): void {
    this.endListeners.push(listener);
  }

  private get systemContext(): CommandContext {
    return { principal: systemPrincipal, correlationId: this.sessionId };
  }

  /** A new client stream; `cancel` lets it go if the session ends before its target is reached. */
  async attach(client: ForwardClient, cancel: () => void): Promise<void> {
    this.streams.set(client.streamId, { cancel });
    await this.record({ type: 'AttachForwardStream', ...client }, { ...this.systemContext, ip: client.clientHost });
  }

  /** The stream reached its target: its bytes count from now. */
  connected(streamId: string, meter: StreamMeter, agentIP?: string): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined || this.closingCause !== undefined) {
      meter.abort();
      return;
    }
    stream.meter = meter;
    this.record({ type: 'OpenForwardStream', streamId, ...(agentIP === undefined ? {} : { agentIP }) }, this.systemContext).catch((error: unknown) =>
      this.logFailure(error, 'stream opened'),
    );
  }

  /** A stream ended on its own (not by the session's end), with its final counts. */
  async streamEnded(streamId: string, cause: TerminationCause, final: ForwardTraffic): Promise<void> {
    if (!this.streams.delete(streamId)) return;
    this.closedTotals = plus(this.closedTotals, final);
    await this.record({ type: 'CloseForwardStream', streamId, cause, ...final }, this.systemContext).catch((error: unknown) => {
      if (!isTetherError(error, 'transition_forbidden')) this.logFailure(error, 'stream end');
    });
  }

  /** The bytes that crossed so far, ended streams included. */
  totals(): ForwardTraffic {
    let totals = this.closedTotals;
    for (const stream of this.streams.values()) if (stream.meter !== undefined) totals = plus(totals, stream.meter.bytes());
    return totals;
  }

  /** Ends the session for `cause`, once however many ask: every live stream ends with it. Resolves with ForwardClosed's position. */
  close(cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }> {
    this.ending ??= (async () => {
      let totals = this.closedTotals;
      for (const final of await Promise.all(this.stopStreams(cause))) totals = plus(totals, final);
      try {
        const { position } = await this.env.runtime.execute(forwardAggregate, this.sessionId, { type: 'CloseForward', cause, ...totals }, context ?? this.systemContext);
        return position === undefined ? {} : { position };
      } finally {
        this.endListeners.forEach((listener) => listener(cause));
      }
    })();
    return this.ending;
  }

  /** Its end was stored by another hand than close(): the streams end, and nothing more is recorded. */
  endedElsewhere(cause: TerminationCause): void {
    if (this.ending !== undefined) return;
    this.ending = Promise.resolve({});
    // The end is stored already: the streams' final counts have nowhere to go.
    void Promise.all(this.stopStreams(cause));
    this.endListeners.forEach((listener) => listener(cause));
  }

  /** Ends every live stream; the final counts of those that reached their target. */
  private stopStreams(cause: TerminationCause): Promise<ForwardTraffic>[] {
    this.closingCause = cause;
    this.progress?.cancel();
    const live = [...this.streams.values()];
    this.streams.clear();
    const finals: Promise<ForwardTraffic>[] = [];
    for (const stream of live) {
      if (stream.meter === undefined) {
        stream.cancel();
        continue;
      }
      stream.meter.abort();
      finals.push(stream.meter.done);
    }
    return finals;
  }

  private async record(command: ForwardCommand, context: CommandContext): Promise<void> {
    await this.env.runtime.execute(forwardAggregate, this.sessionId, command, context);
  }

  private startProgress(): void {
    const { clock, progressIntervalMs } = this.env;
    const tick = (): void => {
      if (this.closingCause !== undefined) return;
      const totals = this.totals();
      if (totals.bytesToTarget !== this.recorded.bytesToTarget || totals.bytesFromTarget !== this.recorded.bytesFromTarget) {
        this.recorded = totals;
        this.record({ type: 'RecordForwardTraffic', ...totals }, this.systemContext).catch((error: unknown) => this.logFailure(error, 'traffic'));
      }
      this.progress = clock.at(new Date(clock.now().getTime() + progressIntervalMs), tick);
    };
    this.progress = clock.at(new Date(clock.now().getTime() + progressIntervalMs), tick);
  }

  private logFailure(error: unknown, what: string): void {
    this.env.logger.error({ err: error, sessionId: this.sessionId, what }, 'could not record a session event');
  }
}
