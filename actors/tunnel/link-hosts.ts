// Where this node may place a tunnel: on the hub itself (its own ports, unless it runs
// without a local relay) or on a relay whose control channel is connected to this node.
import { TetherError } from '../../domain/errors.js';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import { isKnown } from '../../domain/relay/decide.js';
import type { PlacementCandidate } from '../../domain/relay/placement.js';
import { hubRelayName } from '../../domain/relay/relay-name.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import type { TunnelHost } from '../../data-plane/tunnel-host.js';
import type { TunnelEnvironment, TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { LocalTunnelHost } from '../../data-plane/local-tunnel-host.js';
import { RelayTunnelHost } from '../../data-plane/relay-tunnel-host.js';
import type { RelayConnection } from './tunnel-requests.js';

export interface LinkHostsOptions {
  readonly runtime: ActorRuntime;
  readonly logger: TunnelLogger;
  readonly environment: (tunnelId: string, control: ControlConnection) => TunnelEnvironment;
  readonly progressIntervalMs: number;
  readonly relayAnswerTimeoutMs: number;
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

  /** Links placed on a host from this node and not ended yet. */
  load(relay: string): number {
    return relay === hubRelayName ? (this.local?.load ?? 0) : (this.relays.get(relay)?.load ?? 0);
  }

  /** Every host that might take a link, as placement weighs them; the relays' states are read first. */
  async candidates(wanted: string | undefined): Promise<PlacementCandidate[]> {
    const names = new Set(this.relays.keys());
    if (wanted !== undefined && wanted !== hubRelayName) names.add(wanted);
    const states = await Promise.all([...names].map(async (name) => ({ name, state: (await this.options.runtime.load(relayAggregate, name)).state })));
    const candidates: PlacementCandidate[] = states.map(({ name, state }) => {
      const host = this.relays.get(name);
      return {
        name,
        known: isKnown(state),
        reporting: state.context.isReporting && host !== undefined && host.connected,
        approved: state.context.approved,
        load: host?.load ?? 0,
        capacity: state.context.maxSessions,
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
