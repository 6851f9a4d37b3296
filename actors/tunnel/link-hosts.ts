// Where this node may place a tunnel: on the hub itself (its own ports, unless it runs
// without a local relay) or on a relay whose control channel is connected to this node. A
// relay's load is its sessions in the whole cluster (its seats, link-seats.ts): another node
// may have placed some, or held its channel before this one.
import { TetherError } from '../../domain/errors.js';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import { isKnown } from '../../domain/relay/decide.js';
import type { PlacementCandidate } from '../../domain/relay/placement.js';
import { hubRelayName } from '../../domain/relay/relay-name.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { FreeSeat, LinkSeats, SeatCount } from '../link-seats/link-seats.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import type { TunnelHost } from '../../data-plane/tunnel-host.js';
import type { TunnelEnvironment, TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { LocalTunnelHost } from '../../data-plane/local-tunnel-host.js';
import { RelayTunnelHost } from '../../data-plane/relay-tunnel-host.js';
import type { RelayConnection } from './tunnel-requests.js';

export interface LinkHostsOptions {
  readonly runtime: ActorRuntime;
  /** The relays' seats (`relayseats-<relay>`). */
  readonly seats: LinkSeats;
  readonly logger: TunnelLogger;
  readonly environment: (tunnelId: string, control: ControlConnection) => TunnelEnvironment;
  readonly progressIntervalMs: number;
  readonly relayAnswerTimeoutMs: number;
}

/** A host placement may choose; a relay's with its seats as counted for placement, so that taking one does not count them again. */
export interface LinkHostCandidate extends PlacementCandidate {
  /** Undefined for the hub's own ports, which are this node's and take no seat. */
  readonly seats?: SeatCount;
}

export class LinkHosts {
  private readonly relays = new Map<string, RelayTunnelHost>();

  constructor(
    /** Undefined: this hub holds no link ports itself. */
    readonly local: LocalTunnelHost | undefined,
    private readonly options: LinkHostsOptions,
  ) {}

  /** A relay's control channel is up; a channel the relay had before is closed, and its links end as relay-lost. */
  attach(connection: RelayConnection): RelayTunnelHost {
    this.relays.get(connection.relay)?.disconnect('superseded by a new connection of the relay');
    const { environment, progressIntervalMs, relayAnswerTimeoutMs, logger } = this.options;
    const host = new RelayTunnelHost({ ...connection, environment, progressIntervalMs, answerTimeoutMs: relayAnswerTimeoutMs, logger });
    this.relays.set(connection.relay, host);
    logger.info({ relay: connection.relay }, 'relay connected');
    return host;
  }

  /** A relay's control channel ended: every link on it ends with cause relay-lost. */
  detach(host: RelayTunnelHost): void {
    if (this.relays.get(host.relay) === host) this.relays.delete(host.relay);
    if (host.load > 0) this.options.logger.warn({ relay: host.relay, links: host.load }, 'relay lost: its links end');
    host.lose();
  }

  /** Disconnects a relay that may no longer carry links (its token was reset, it was deleted). */
  drop(relay: string, reason: string): void {
    const host = this.relays.get(relay);
    if (host === undefined) return;
    this.relays.delete(relay);
    host.disconnect(reason);
  }

  isConnected(relay: string): boolean {
    return this.relays.get(relay)?.connected ?? false;
  }

  /**
   * Takes a seat on the chosen relay for the link, counting every node's sessions on it:
   * no_relay_available when it carries its capacity already. The hub's own ports take no seat.
   */
  async takeSeat(chosen: LinkHostCandidate, tunnelId: string, context: CommandContext): Promise<FreeSeat> {
    if (chosen.seats === undefined) return async () => undefined;
    return this.options.seats.take(chosen.name, tunnelId, { capacity: chosen.capacity, counted: chosen.seats }, context);
  }

  /** Sessions on a relay placed by any node and not ended; on the hub itself, this node's. */
  async sessions(relay: string): Promise<number> {
    return relay === hubRelayName ? (this.local?.load ?? 0) : (await this.options.seats.count(relay)).live;
  }

  /** Every host that might take a link, as placement weighs them; the relays' states are read first. */
  async candidates(wanted: string | undefined): Promise<LinkHostCandidate[]> {
    const names = new Set(this.relays.keys());
    if (wanted !== undefined && wanted !== hubRelayName) names.add(wanted);
    const { runtime, seats: relaySeats } = this.options;
    const states = await Promise.all([...names].map(async (name) => ({ name, state: (await runtime.load(relayAggregate, name)).state, seats: await relaySeats.count(name) })));
    const candidates: LinkHostCandidate[] = states.map(({ name, state, seats }) => {
      const host = this.relays.get(name);
      return {
        name,
        known: isKnown(state),
        reporting: state.context.isReporting && host !== undefined && host.connected,
        approved: state.context.approved,
        load: seats.live,
        capacity: state.context.maxSessions,
        seats,
      };
    });
    if (this.local !== undefined || wanted === hubRelayName) {
      const local = this.local;
      // The hub's port pool says ports_exhausted itself when its range is full (other programs may hold some of it).
      candidates.push({ name: hubRelayName, known: true, reporting: local !== undefined, approved: true, load: local?.load ?? 0, capacity: Number.POSITIVE_INFINITY });
    }
    return candidates;
  }

  named(name: string): TunnelHost {
    const host = name === hubRelayName ? this.local : this.relays.get(name);
    if (host === undefined) throw new TetherError('relay_offline', `relay ${name} is not connected to this hub`);
    return host;
  }
}
