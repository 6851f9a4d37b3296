// Owns this node's tunnels: opens them through the runtime (the tunnel's live module holds
// the port from before OpenTunnel is decided, tunnel-live.ts), routes the agent's stream
// messages and dial-backs to them, and ends each by exactly one event, for whatever cause:
// DELETE, its device going offline, an idle UDP tunnel, the hub shutting down, its relay being lost.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { AgentStreamMessage } from '../../domain/gateway/stream-messages.js';
import { hubRelayName } from '../../domain/relay/relay-name.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import type { TunnelCommand } from '../../domain/tunnel/commands.js';
import { isOpen } from '../../domain/tunnel/decide.js';
import { formatLinkToken, parseLinkToken } from '../../domain/tunnel/link-token.js';
import { trafficFloor } from '../../domain/tunnel/machine.js';
import type { tunnelMachine } from '../../domain/tunnel/machine.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { resetSocket } from '../../wire/socket-splice.js';
import type { CommandContext } from '../../domain/command-context.js';
import { dialBackDatagrams } from '../../data-plane/datagram-route.js';
import type { DatagramRoute } from '../../data-plane/datagram-route.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { DialBacks } from '../../data-plane/dial-backs.js';
import { recordLinkEnd } from './link-end.js';
import { LinkHosts } from './link-hosts.js';
import { LinkSeats } from '../link-seats/link-seats.js';
import { relaySeatsAggregate, tenantLinkSeatsAggregate } from '../../domain/link-seats/aggregate.js';
import type { TunnelEnvironment, LiveTunnel, Totals } from '../../data-plane/live-tunnel.js';
import type { LiveAggregate } from '../runtime/live-module.js';
import { EndsNotStored } from '../runtime/ends-not-stored.js';
import { LocalTunnelHost } from '../../data-plane/local-tunnel-host.js';
import { provenConnection } from '../../data-plane/proven-connection.js';
import type { RelayTunnelHost } from '../../data-plane/relay-tunnel-host.js';
import { closeStaleTunnels } from './stale-tunnels.js';
import type { StaleTunnels } from './stale-tunnels.js';
import { TunnelLive } from './tunnel-live.js';
import type { HeldLink, LinkToOpen } from './tunnel-live.js';
import type { LinkOfToken, OpenedLink, OpenLinkRequest, RelayConnection, TunnelSupervisorOptions } from './tunnel-requests.js';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

// Past the relay's answer timeout, a link not recorded as opened was refused or lost with its node: its seats are free.
const openingGraceMs = 60_000;

export class TunnelSupervisor {
  private readonly streams = new Map<string, LiveTunnel>();
  private readonly hosts: LinkHosts;
  private readonly live: TunnelLive;
  private readonly tunnels: LiveAggregate<typeof tunnelMachine, TunnelCommand, LinkToOpen, HeldLink>;
  private readonly dialBacks: DialBacks;
  private readonly datagrams: DatagramRoute;
  /** Links gone from this node whose end the store did not take: until it does, their seats count as live. */
  private readonly ends: EndsNotStored;
  private stopping = false;

  constructor(private readonly options: TunnelSupervisorOptions) {
    const { clock, logger, nodeId } = options;
    this.dialBacks = new DialBacks(options.dialBackTimeoutMs ?? 10_000);
    this.datagrams = dialBackDatagrams(this.dialBacks, logger);
    this.ends = new EndsNotStored({ clock, logger, what: 'a device link' });
    const environment = (tunnelId: string, control: ControlConnection): TunnelEnvironment => this.environment(tunnelId, control);
    const local = options.localRelay === false ? undefined : new LocalTunnelHost(options.ports, options.bindAddress, environment);
    const { runtime, store } = options;
    const relayAnswerTimeoutMs = options.relayAnswerTimeoutMs ?? 10_000;
    const seats = { runtime, store, clock, openingWindowMs: relayAnswerTimeoutMs + openingGraceMs };
    this.hosts = new LinkHosts(local, {
      runtime,
      seats: new LinkSeats(relaySeatsAggregate, seats),
      logger,
      environment,
      progressIntervalMs: options.progressIntervalMs ?? 5000,
      relayAnswerTimeoutMs,
    });
    const maxLinksPerTenant = options.maxLinksPerTenant ?? Number.POSITIVE_INFINITY;
    const tenantSeats = new LinkSeats(tenantLinkSeatsAggregate, seats);
    this.live = new TunnelLive({ clock, hosts: this.hosts, nodeId, tenantSeats, maxLinksPerTenant, logger, end: (link, cause) => this.closeQuietly(link, cause) });
    this.tunnels = options.runtime.register(tunnelAggregate, this.live);
  }

  /** Closes by an event the links a previous run of this node left open; call before the gateway accepts devices. */
  async start(found?: StaleTunnels): Promise<void> {
    const stale = await closeStaleTunnels(this.options.runtime, this.options.store, this.options.nodeId, found);
    if (stale > 0) this.options.logger.info({ links: stale, nodeId: this.options.nodeId }, 'recorded the links a previous run left open as ended');
  }

  get liveCount(): number {
    return this.live.count;
  }

  /** Bytes the links this node carried itself in this run, ended ones included: it never decreases (metrics read it). */
  relayedBytes(): Totals {
    return this.live.relayedBytes();
  }

  /**
   * Opens a link to a device connected to this node, on the least loaded host (or the one asked
   * for). Throws device_offline (not connected here), device_unauthenticated, tenant_link_limit
   * (the tenant holds as many links as it may, on every node), ports_exhausted (no free port in the range),
   * validation_failed (source.host does not resolve), no_relay_available, relay_offline.
   */
  async open(request: OpenLinkRequest): Promise<OpenedLink> {
    if (this.stopping) throw new TetherError('unavailable', 'the hub is shutting down');
    const control = provenConnection(this.options.devices, request.device, request.tenantId);
    const tunnelId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const toOpen: LinkToOpen = { ...request, tunnelId, control, tokenHash: sha256(secret).toString('hex') };
    const { held, position } = await this.options.runtime.reserve(this.tunnels, tunnelId, toOpen, request.context);
    if (held === undefined) throw new TetherError('internal', `the opening of link ${tunnelId} recorded nothing`);
    const { port, on } = held;
    const clientHost = on.relay === hubRelayName ? (request.apiHost ?? held.host) : held.host;
    return { tunnelId, port, host: clientHost, relay: on.relay, token: formatLinkToken(tunnelId, secret), ...(position === undefined ? {} : { position }) };
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
    const link = this.live.linkOf(tunnelId);
    if (link !== undefined) return link.close(cause, context);
    const { state } = await this.options.runtime.load(tunnelAggregate, tunnelId);
    if (!isOpen(state)) throw new TetherError('not_found', 'no open device link has this id');
    const { position } = await this.options.runtime.execute(tunnelAggregate, tunnelId, { type: 'CloseTunnel', cause, ...trafficFloor(state.context) }, context);
    return position === undefined ? {} : { position };
  }

  /** The device's control connection ended: its links end with it. */
  connectionEnded(mac: Mac, connectionId: string): void {
    for (const link of this.live.all()) {
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
  attachRelay(connection: RelayConnection): RelayTunnelHost {
    return this.hosts.attach(connection);
  }

  /** A relay's control channel ended: every link on it ends with cause relay-lost. */
  detachRelay(host: RelayTunnelHost): void {
    this.hosts.detach(host);
  }

  /** Disconnects a relay that may no longer carry links (its token was reset, it was deleted). */
  dropRelay(relay: string, reason: string): void {
    this.hosts.drop(relay, reason);
  }

  /** Whether this node holds link `tunnelId` live. */
  holds(tunnelId: string): boolean {
    return this.live.linkOf(tunnelId) !== undefined;
  }

  /** Whether a relay's control channel is connected to this node. */
  isRelayConnected(relay: string): boolean {
    return this.hosts.isConnected(relay);
  }

  /** Sessions on a relay, placed by any hub node and not ended (on `hub`: this node's). */
  relaySessions(relay: string): Promise<number> {
    return this.hosts.sessions(relay);
  }

  /** Closes every live link with cause hub-shutdown; call while the store is open. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.live.all().map((link) => link.close('hub-shutdown').catch(() => undefined)));
    // What is left unrecorded, the next start-up of this node records ended (start()).
    this.ends.stop();
  }

  private closeQuietly(link: LiveTunnel, cause: TerminationCause): void {
    link.close(cause).catch((error: unknown) => {
      this.options.logger.error({ err: error, tunnelId: link.info.tunnelId, cause }, 'could not record the end of a device link; trying again');
    });
  }

  /** What a link of this node records with: straight to the tunnel's actor. */
  private environment(tunnelId: string, control: ControlConnection): TunnelEnvironment {
    const { runtime, clock, logger } = this.options;
    return {
      control,
      record: async (command, context) => {
        const { events, position } = await runtime.execute(tunnelAggregate, tunnelId, command, context);
        return position === undefined ? { events } : { events, position };
      },
      end: async (link, ending, context) => {
        try {
          return await recordLinkEnd(runtime, tunnelId, ending, context);
        } catch (error) {
          // Its seats count as live until its end is stored: it is recorded again until it is.
          this.ends.notStored(tunnelId, () => recordLinkEnd(runtime, tunnelId, ending, context), { tunnelId, cause: ending.cause });
          throw error;
        } finally {
          // Its sockets are closed: whether or not its end could be recorded, the link is gone here.
          this.live.forget(tunnelId, ending.cause);
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
}
