// The protocol applications' sessions live, as the forward sessions' events make them. Reserve
// binds the hub port a session is reached on (tcp, udp, http applications) from the pool; the
// connection starts serving once ForwardOpened is stored, and the port closes once ForwardClosed
// is, whoever recorded it. An opening that is not stored closes its port again. Sessions opened
// without a reservation (a proxy's) are their proxy host's own: nothing here holds them.
import type { ForwardCommand } from '../../domain/forward-session/commands.js';
import type { forwardMachine } from '../../domain/forward-session/machine.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { TcpPort, UdpPort } from '../../data-plane/bound-port.js';
import type { BoundPort } from '../../data-plane/bound-port.js';
import type { PortPool } from '../../data-plane/port-pool.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { OpenForwardFields } from '../forward-session/forward-session.js';
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

export class AppSessionsLive implements LiveModule<typeof forwardMachine, ForwardCommand, SessionToOpen, HeldSession> {
  private readonly held = new Map<string, HeldSession>();

  constructor(
    /** Hands out the applications' hub ports (the DeviceLink range). */
    private readonly pool: PortPool,
    private readonly logger: TunnelLogger,
  ) {}

  async reserve({ fields, port, carrier }: SessionToOpen): Promise<Reserved<ForwardCommand, HeldSession>> {
    const bound = port === undefined ? undefined : await this.bind(port, fields.sourceId);
    return { command: { type: 'OpenForward', ...fields, ...(bound === undefined ? {} : { port: bound.port }) }, held: { carrier, port: bound } };
  }

  async release(held: HeldSession): Promise<void> {
    await held.port?.close();
  }

  apply({ id, events, held }: Applied<typeof forwardMachine, HeldSession>): void {
    for (const event of events) {
      if (event.type === 'ForwardOpened' && held !== undefined) {
        this.held.set(id, held);
        held.carrier.opened(held.port);
      }
      if (event.type === 'ForwardClosed') this.ended(id, event.data.cause);
    }
  }

  private ended(sessionId: string, cause: TerminationCause): void {
    const held = this.held.get(sessionId);
    if (held === undefined) return;
    this.held.delete(sessionId);
    void held.port?.close();
    held.carrier.ended(cause);
  }

  private bind(transport: 'tcp' | 'udp', appId: string): Promise<BoundPort> {
    if (transport === 'tcp') return TcpPort.fromPool(this.pool);
    return UdpPort.fromPool(this.pool, (error) => this.logger.warn({ err: error, appId }, 'protocol application UDP socket error'));
  }
}
