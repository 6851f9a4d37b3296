// What the tunnel supervisor is asked and answers: opening a tunnel (the API's DeviceLink), the
// tunnel a token names, a relay connecting, and how the supervisor is built.
import type { Mac } from '../../domain/device/mac.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { LinkSettings } from '../../domain/tunnel/devicelink-request.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { PortRange } from '../../data-plane/port-pool.js';
import type { DeviceConnections } from '../../data-plane/proven-connection.js';
import type { RelayChannel } from '../../data-plane/relay-tunnel-host.js';

export interface OpenLinkRequest {
  readonly device: Mac;
  /** The tenant the device is assigned to (the caller checked the principal may see it). */
  readonly tenantId: string;
  readonly settings: LinkSettings;
  readonly context: CommandContext;
  /** The relay the request named (`hub`: this hub); absent: placed on the least loaded. */
  readonly relay?: string;
  /** The host the API caller reached this hub at: where clients of a link on the hub connect. */
  readonly apiHost?: string;
}

export interface OpenedLink {
  readonly tunnelId: string;
  /** Where the client connects: `port` on `host`. */
  readonly port: number;
  readonly host: string;
  /** `hub`, or the relay carrying the link. */
  readonly relay: string;
  /** `<tunnelId>.<secret>`: closes the link. */
  readonly token: string;
  /** Global position of TunnelOpened, for read-your-writes. */
  readonly position?: number;
}

export interface LinkOfToken {
  readonly tunnelId: string;
  readonly tenantId: string;
  readonly device: Mac;
}

/** A relay's control channel as it connects, and where it is reached. */
export interface RelayConnection {
  readonly relay: string;
  readonly channel: RelayChannel;
  /** `http(s)://host:port` where agents dial back to it. */
  readonly dialBackBase: string;
  /** Where clients reach its link ports. */
  readonly clientHost: string;
}

export interface TunnelSupervisorOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly devices: DeviceConnections;
  readonly nodeId: string;
  readonly ports: PortRange;
  /** The address link ports bind to. */
  readonly bindAddress: string;
  /** False: this hub holds no link ports itself (`--no-local-relay`), every link goes to a relay. Default true. */
  readonly localRelay?: boolean;
  readonly logger: TunnelLogger;
  /** Default 5000. */
  readonly progressIntervalMs?: number;
  /** How long a TCP stream waits for the device's dial-back; default 10 000. */
  readonly dialBackTimeoutMs?: number;
  /** How long a relay may take to open or close a link; default 10 000. */
  readonly relayAnswerTimeoutMs?: number;
  /** How many links one tenant may hold open on all the hub's nodes (on the hubs or their relays); default: no limit. */
  readonly maxLinksPerTenant?: number;
}
