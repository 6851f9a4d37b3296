// The protocol applications' sessions live, as the forward sessions' events make them. Reserve
// binds the hub port a session is reached on (tcp, udp, http applications) from the pool; the
// connection starts serving once ForwardOpened is stored, and the port closes once ForwardClosed
// is, whoever recorded it. An opening that is not stored closes its port again. Sessions opened
// without a reservation (a proxy's) are their proxy host's own: nothing here holds them.
// A session nothing serves (its connection could not start, or its end could not be stored)
// lets its port go at once and has its end recorded here, tried again until it is stored
// (ends-not-stored.ts).
import type { ForwardCommand } from '../../domain/forward-session/commands.js';
import type { Clock } from '../../domain/ports/clock.js';
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import type { forwardMachine } from '../../domain/forward-session/machine.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { TcpPort, UdpPort } from '../../data-plane/bound-port.js';
import type { BoundPort } from '../../data-plane/bound-port.js';
import type { PortPool } from '../../data-plane/port-pool.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { OpenForwardFields } from '../forward-session/forward-session.js';
import { closeUnserved } from '../forward-session/stale-forwards.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { EndsNotStored } from '../runtime/ends-not-stored.js';
import type { Applied, LiveAggregate, LiveModule, Reserved } from '../runtime/live-module.js';

/** What carries a session: told once its opening is stored, and once its end is. */
export interface SessionCarrier {
  /** ForwardOpened is stored: serve from now on (on `port`, if one was bound). */
  opened(port: BoundPort | undefined): void;
  /** ForwardClosed is stored; the session's port is closing. */
  ended(cause: TerminationCause): void;
}

/** A session to open for a connection: its fields, and the transport of the hub port it needs, if any. */
export interface SessionToOpen {
  readonly fields: Omit<OpenForwardFields, 'port'>;
  readonly port?: 'tcp' | 'udp';
  readonly carrier: SessionCarrier;
}

/** Held from before OpenForward is decided until ForwardClosed is stored. */
export interface HeldSession {
  readonly carrier: SessionCarrier;
  readonly port: BoundPort | undefined;
}

export type AppSessions = LiveAggregate<typeof forwardMachine, ForwardCommand, SessionToOpen, HeldSession>;

export interface AppSessionsOptions {
  readonly runtime: ActorRuntime;
  /** Hands out the applications' hub ports (the DeviceLink range). */
  readonly pool: PortPool;
  readonly clock: Clock;
  readonly logger: TunnelLogger;
}

export class AppSessionsLive implements LiveModule<typeof forwardMachine, ForwardCommand, SessionToOpen, HeldSession> {
  /** What `runtime.reserve` opens sessions through. */
  readonly registered: AppSessions;
  private readonly held = new Map<string, HeldSession>();
  private readonly ends: EndsNotStored;

  constructor(private readonly options: AppSessionsOptions) {
    this.registered = options.runtime.register(forwardAggregate, this);
    this.ends = new EndsNotStored({ clock: options.clock, logger: options.logger, what: 'a protocol-application session' });
  }

  async reserve({ fields, port, carrier }: SessionToOpen): Promise<Reserved<ForwardCommand, HeldSession>> {
    const bound = port === undefined ? undefined : await this.bind(port, fields.sourceId);
    return { command: { type: 'OpenForward', ...fields, ...(bound === undefined ? {} : { port: bound.port }) }, held: { carrier, port: bound } };
  }

  async release(held: HeldSession): Promise<void> {
    await held.port?.close();
  }

  apply({ id, events, held }: Applied<typeof forwardMachine, HeldSession>): void {
    for (const event of events) {
      if (event.type === 'ForwardOpened' && held !== undefined) this.opened(id, held);
      if (event.type === 'ForwardClosed') this.ended(id, event.data.cause);
    }
  }

  /**
   * The end of a session could not be stored: its port closes now, and its end is recorded
   * again after a while (with the totals last recorded), until it is.
   */
  endNotStored(sessionId: string, cause: TerminationCause): void {
    this.letGo(sessionId);
    this.ends.notStored(sessionId, () => closeUnserved(this.options.runtime, sessionId, cause), { sessionId, cause });
  }

  /** Stops recording ends again: what is left open, the next start-up of this node records ended. */
  stop(): void {
    this.ends.stop();
  }

  private opened(sessionId: string, held: HeldSession): void {
    this.held.set(sessionId, held);
    try {
      held.carrier.opened(held.port);
    } catch (error) {
      this.options.logger.error({ err: error, sessionId }, 'a protocol-application session could not start serving; ending it');
      this.recordEnd(sessionId, 'error');
    }
  }

  private ended(sessionId: string, cause: TerminationCause): void {
    const held = this.letGo(sessionId);
    held?.carrier.ended(cause);
  }

  /** Forgets a session and closes its port; what it held, if anything. */
  private letGo(sessionId: string): HeldSession | undefined {
    this.ends.stored(sessionId);
    const held = this.held.get(sessionId);
    if (held === undefined) return undefined;
    this.held.delete(sessionId);
    void held.port?.close();
    return held;
  }

  private recordEnd(sessionId: string, cause: TerminationCause): void {
    closeUnserved(this.options.runtime, sessionId, cause).catch((error: unknown) => {
      this.options.logger.error({ err: error, sessionId, cause }, 'could not record the end of a protocol-application session; trying again');
      this.endNotStored(sessionId, cause);
    });
  }

  private bind(transport: 'tcp' | 'udp', appId: string): Promise<BoundPort> {
    if (transport === 'tcp') return TcpPort.fromPool(this.options.pool);
    return UdpPort.fromPool(this.options.pool, (error) => this.options.logger.warn({ err: error, appId }, 'protocol application UDP socket error'));
  }
}
