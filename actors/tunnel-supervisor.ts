// Owns this node's live DeviceLinks in a registry keyed by tunnel id (sockets never enter
// machine context). A link is placed on a host: the hub itself (its own ports, unless it runs
// without a local relay) or a relay connected to this node, which then holds the port and the
// sockets while this node records every event and talks to the agent. A link is opened by an
// event once its port is bound, and ends by exactly one event, for whatever cause: DELETE, its
// device going offline, an idle UDP link, the hub shutting down, its relay being lost.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { Socket } from 'node:net';
import type { Mac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import type { AgentStreamMessage } from '../domain/gateway/stream-messages.js';
import type { Clock } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { relayAggregate } from '../domain/relay/aggregate.js';
import { isKnown } from '../domain/relay/decide.js';
import type { PlacementCandidate } from '../domain/relay/placement.js';
import { placeSession } from '../domain/relay/placement.js';
import { hubRelayName } from '../domain/relay/relay-name.js';
import { isIPLiteral } from '../domain/tunnel/address.js';
import { tunnelAggregate } from '../domain/tunnel/aggregate.js';
import type { TunnelCommand } from '../domain/tunnel/commands.js';
import { isOpen } from '../domain/tunnel/decide.js';
import type { LinkSettings } from '../domain/tunnel/devicelink-request.js';
import { formatLinkToken, parseLinkToken } from '../domain/tunnel/link-token.js';
import { trafficFloor } from '../domain/tunnel/machine.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import { resetSocket } from '../wire/socket-splice.js';
import type { ActorRuntime } from './actor-runtime.js';
import type { CommandContext } from './command-context.js';
import { dialBackDatagrams } from './datagram-route.js';
import type { DatagramRoute } from './datagram-route.js';
import type { DeviceLink } from './device-link.js';
import { DialBacks } from './dial-backs.js';
import { LinkLifetimes } from './link-lifetimes.js';
import { linkKeyFromHex } from './link-cipher.js';
import type { LinkHost } from './link-host.js';
import type { LinkEnvironment, LinkLogger, LiveLink, Totals } from './live-link.js';
import { LocalLinkHost } from './local-link-host.js';
import type { PortRange } from './port-pool.js';
import { RelayLinkHost } from './relay-link-host.js';
import type { RelayChannel } from './relay-link-host.js';
import { RemoteLink } from './remote-link.js';
import { provenLink } from './proven-link.js';
import type { DeviceConnections } from './proven-link.js';
import { closeStaleTunnels } from './stale-tunnels.js';
import { TenantLinkQuota } from './tenant-link-quota.js';
import type { StaleTunnels } from './stale-tunnels.js';

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
  readonly logger: LinkLogger;
  /** Default 5000. */
  readonly progressIntervalMs?: number;
  /** How long a TCP stream waits for the device's dial-back; default 10 000. */
  readonly dialBackTimeoutMs?: number;
  /** How long a relay may take to open or close a link; default 10 000. */
  readonly relayAnswerTimeoutMs?: number;
  /** How many links one tenant may hold open on this node (on the hub or its relays); default: no limit. */
  readonly maxLinksPerTenant?: number;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

export class TunnelSupervisor {
  private readonly links = new Map<string, LiveLink>();
  private readonly streams = new Map<string, LiveLink>();
  private readonly quota: TenantLinkQuota;
  /** Frees the tenant's place of each open link when it ends. */
  private readonly placesHeld = new Map<string, () => void>();
  private readonly lifetimes: LinkLifetimes;
  private readonly local: LocalLinkHost | undefined;
  private readonly relays = new Map<string, RelayLinkHost>();
  private readonly dialBacks: DialBacks;
  private readonly datagrams: DatagramRoute;
  private stopping = false;
  private endedLinkBytes: Totals = { bytesToDevice: 0, bytesFromDevice: 0 };

  constructor(private readonly options: TunnelSupervisorOptions) {
    this.dialBacks = new DialBacks(options.dialBackTimeoutMs ?? 10_000);
    this.datagrams = dialBackDatagrams(this.dialBacks, options.logger);
    this.quota = new TenantLinkQuota(options.maxLinksPerTenant ?? Number.POSITIVE_INFINITY);
    this.lifetimes = new LinkLifetimes(options.clock, (tunnelId) => {
      const link = this.links.get(tunnelId);
      if (link !== undefined) this.closeQuietly(link, 'lifetime-expired');
    });
    this.local =
      options.localRelay === false
        ? undefined
        : new LocalLinkHost(options.ports, options.bindAddress, (tunnelId, control) => this.environment(tunnelId, control));
  }

  /** Closes by an event the links a previous run of this node left open; call before the gateway accepts devices. */
  async start(found?: StaleTunnels): Promise<void> {
    const stale = await closeStaleTunnels(this.options.runtime, this.options.store, this.options.nodeId, found);
    if (stale > 0) this.options.logger.info({ links: stale, nodeId: this.options.nodeId }, 'recorded the links a previous run left open as ended');
  }

  get liveCount(): number {
    return this.links.size;
  }

  /** Bytes the links this node carried itself in this run, ended ones included: it never decreases (metrics read it). */
  relayedBytes(): Totals {
    let { bytesToDevice, bytesFromDevice } = this.endedLinkBytes;
    for (const link of this.links.values()) {
      if (link instanceof RemoteLink) continue;
      const totals = link.totals();
      bytesToDevice += totals.bytesToDevice;
      bytesFromDevice += totals.bytesFromDevice;
    }
    return { bytesToDevice, bytesFromDevice };
  }

  /**
   * Opens a link to a device connected to this node, on the least loaded host (or the one asked
   * for). Throws device_offline (not connected here), device_unauthenticated, tenant_link_limit
   * (the tenant holds as many links as it may), ports_exhausted (no free port in the range),
   * validation_failed (source.host does not resolve), no_relay_available, relay_offline.
   */
  async open(request: OpenLinkRequest): Promise<OpenedLink> {
    if (this.stopping) throw new TetherError('unavailable', 'the hub is shutting down');
    const control = provenLink(this.options.devices, request.device, request.tenantId);
    const release = this.quota.take(request.tenantId);
    try {
      const opened = await this.openHeld(request, control);
      this.placesHeld.set(opened.tunnelId, release);
      return opened;
    } catch (error) {
      release();
      throw error;
    }
  }

  private async openHeld({ device, tenantId, settings, context, relay, apiHost }: OpenLinkRequest, control: DeviceLink): Promise<OpenedLink> {
    const key = settings.encrypt === undefined ? undefined : linkKeyFromHex(settings.encrypt);
    const sourceAddresses = settings.source === undefined ? undefined : await this.resolve(settings.source.host);
    const candidates = await this.candidates(relay);
    // From choosing to opening nothing waits, so two requests never both take a relay's last place.
    const host = this.hostNamed(placeSession(candidates, relay));
    const tunnelId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const info = { tunnelId, device, tenantId, devicePort: settings.devicePort };
    const hosted = await host.open({
      info,
      settings,
      ...(key === undefined ? {} : { key }),
      ...(sourceAddresses === undefined ? {} : { sourceAddresses }),
      control,
    });
    const { link, port } = hosted;
    const command: TunnelCommand = {
      type: 'OpenTunnel',
      tunnelId,
      device,
      tenantId,
      protocol: settings.protocol,
      devicePort: settings.devicePort,
      ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
      ...(settings.lifetime === undefined ? {} : { lifetime: settings.lifetime }),
      ...(settings.source === undefined ? {} : { source: settings.source }),
      ...(sourceAddresses === undefined || settings.source === undefined || isIPLiteral(settings.source.host) ? {} : { sourceAddresses }),
      encrypted: key !== undefined,
      port,
      host: hosted.host,
      relay: host.relay,
      node: this.options.nodeId,
      ...(context.ip === undefined ? {} : { userIP: context.ip }),
      tokenHash: sha256(secret).toString('hex'),
    };
    let position: number | undefined;
    let expiresAt: string | undefined;
    try {
      const executed = await this.options.runtime.execute(tunnelAggregate, tunnelId, command, context);
      ({ position } = executed);
      ({ expiresAt } = executed.state.context);
    } catch (error) {
      await link.close('error').catch(() => undefined);
      throw error;
    }
    this.links.set(tunnelId, link);
    link.start();
    if (expiresAt !== undefined) this.lifetimes.arm(tunnelId, expiresAt);
    this.options.logger.info({ tunnelId, device, protocol: settings.protocol, relay: host.relay, port, devicePort: settings.devicePort }, 'device link opened');
    const clientHost = host === this.local ? (apiHost ?? hosted.host) : hosted.host;
    return { tunnelId, port, host: clientHost, relay: host.relay, token: formatLinkToken(tunnelId, secret), ...(position === undefined ? {} : { position }) };
  }

  /** The open link a token names; not_found for a malformed or wrong token, or a closed link. */
  async linkOfToken(token: string): Promise<LinkOfToken> {
    const notFound = new TetherError('not_found', 'no open device link has this token');
    const parsed = parseLinkToken(token);
    if (parsed === undefined) throw notFound;
    const { state } = await this.options.runtime.load(tunnelAggregate, parsed.tunnelId);
    if (!isOpen(state)) throw notFound;
    const stored = Buffer.from(state.context.tokenHash, 'hex');
    if (stored.length !== 32 || !timingSafeEqual(stored, sha256(parsed.secret))) throw notFound;
    return { tunnelId: parsed.tunnelId, tenantId: state.context.tenantId, device: state.context.device as Mac };
  }

  /**
   * Closes the port and every live stream at once, and records the link's end. A link the log
   * says is open but no process holds (its hub node died) is closed with its last recorded totals.
   */
  async close(tunnelId: string, cause: TerminationCause, context: CommandContext): Promise<{ readonly position?: number }> {
    const link = this.links.get(tunnelId);
    if (link !== undefined) return link.close(cause, context);
    const { state } = await this.options.runtime.load(tunnelAggregate, tunnelId);
    if (!isOpen(state)) throw new TetherError('not_found', 'no open device link has this id');
    const { position } = await this.options.runtime.execute(tunnelAggregate, tunnelId, { type: 'CloseTunnel', cause, ...trafficFloor(state.context) }, context);
    return position === undefined ? {} : { position };
  }

  /** The device's control connection ended: its links end with it. */
  connectionEnded(mac: Mac, connectionId: string): void {
    for (const link of this.links.values()) {
      if (link.info.device === mac && link.connectionId === connectionId) this.closeQuietly(link, 'device-offline');
    }
  }

  /** A stream message from a device's control connection; ignored unless the stream is that device's. */
  streamMessage(mac: Mac, message: AgentStreamMessage): void {
    const link = this.streams.get(message.streamId);
    if (link?.info.device === mac) link.streamMessage(message);
  }

  /** Whether a dial-back for `streamId` with this token is awaited: checked before the upgrade is answered. */
  awaitsDialBack(streamId: string, token: string): boolean {
    return this.dialBacks.awaits(streamId, token);
  }

  /** The device's connection for a stream, after the upgrade was answered. */
  dialedBack(streamId: string, token: string, socket: Socket): void {
    socket.setNoDelay(true);
    // Until the splice watches it, a reset must not go unhandled.
    socket.on('error', () => undefined);
    if (!this.dialBacks.deliver(streamId, token, socket)) resetSocket(socket);
  }

  /**
   * A relay's control channel is up: the relay becomes a host for links (once approved and
   * reporting). A channel the relay had before is closed, and its links end as relay-lost.
   */
  attachRelay(connection: RelayConnection): RelayLinkHost {
    this.relays.get(connection.relay)?.disconnect('superseded by a new connection of the relay');
    const host = new RelayLinkHost({
      ...connection,
      environment: (tunnelId, control) => this.environment(tunnelId, control),
      progressIntervalMs: this.options.progressIntervalMs ?? 5000,
      answerTimeoutMs: this.options.relayAnswerTimeoutMs ?? 10_000,
      logger: this.options.logger,
    });
    this.relays.set(connection.relay, host);
    this.options.logger.info({ relay: connection.relay }, 'relay connected');
    return host;
  }

  /** A relay's control channel ended: every link on it ends with cause relay-lost. */
  detachRelay(host: RelayLinkHost): void {
    if (this.relays.get(host.relay) === host) this.relays.delete(host.relay);
    if (host.load > 0) this.options.logger.warn({ relay: host.relay, links: host.load }, 'relay lost: its links end');
    host.lose();
  }

  /** Disconnects a relay that may no longer carry links (its token was reset, it was deleted). */
  dropRelay(relay: string, reason: string): void {
    const host = this.relays.get(relay);
    if (host === undefined) return;
    this.relays.delete(relay);
    host.disconnect(reason);
  }

  /** Whether this node holds link `tunnelId` live. */
  holds(tunnelId: string): boolean {
    return this.links.has(tunnelId);
  }

  /** Whether a relay's control channel is connected to this node. */
  isRelayConnected(relay: string): boolean {
    return this.relays.get(relay)?.connected ?? false;
  }

  /** Links placed on a relay from this node and not ended yet. */
  relayLoad(relay: string): number {
    return relay === hubRelayName ? (this.local?.load ?? 0) : (this.relays.get(relay)?.load ?? 0);
  }

  /** Closes every live link with cause hub-shutdown; call while the store is open. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.links.values()].map((link) => link.close('hub-shutdown').catch(() => undefined)));
  }

  /** Every host that might take a link, as placement weighs them; the relays' states are read first. */
  private async candidates(wanted: string | undefined): Promise<PlacementCandidate[]> {
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

  private hostNamed(name: string): LinkHost {
    const host = name === hubRelayName ? this.local : this.relays.get(name);
    if (host === undefined) throw new TetherError('relay_offline', `relay ${name} is not connected to this hub`);
    return host;
  }

  private closeQuietly(link: LiveLink, cause: TerminationCause): void {
    link.close(cause).catch((error: unknown) => {
      this.options.logger.error({ err: error, tunnelId: link.info.tunnelId, cause }, 'could not record the end of a device link');
    });
  }

  private async resolve(host: string): Promise<string[]> {
    if (isIPLiteral(host)) return [host];
    try {
      const found = await lookup(host, { all: true });
      return found.map((entry) => entry.address);
    } catch {
      throw new TetherError('validation_failed', `source.host ${JSON.stringify(host)} does not resolve to an address`, ['source.host']);
    }
  }

  /** What a link of this node records with: straight to the tunnel's actor. */
  private environment(tunnelId: string, control: DeviceLink): LinkEnvironment {
    const { runtime, clock, logger } = this.options;
    return {
      control,
      record: async (command, context) => {
        const { events, position } = await runtime.execute(tunnelAggregate, tunnelId, command, context);
        return position === undefined ? { events } : { events, position };
      },
      end: async (link, ending, context) => {
        try {
          const { position } = await runtime.execute(tunnelAggregate, tunnelId, { type: 'CloseTunnel', ...ending }, context);
          return position === undefined ? {} : { position };
        } finally {
          this.forget(link);
        }
      },
      clock,
      progressIntervalMs: this.options.progressIntervalMs ?? 5000,
      logger,
      dialBacks: this.dialBacks,
      datagrams: this.datagrams,
      claimStream: (streamId, link) => this.streams.set(streamId, link),
      releaseStream: (streamId) => this.streams.delete(streamId),
    };
  }

  private forget(link: LiveLink): void {
    this.local?.release(link.info.tunnelId);
    this.placesHeld.get(link.info.tunnelId)?.();
    this.placesHeld.delete(link.info.tunnelId);
    this.lifetimes.forget(link.info.tunnelId);
    if (!this.links.delete(link.info.tunnelId) || link instanceof RemoteLink) return;
    const totals = link.totals();
    this.endedLinkBytes = {
      bytesToDevice: this.endedLinkBytes.bytesToDevice + totals.bytesToDevice,
      bytesFromDevice: this.endedLinkBytes.bytesFromDevice + totals.bytesFromDevice,
    };
  }
}
