// Owns this node's live DeviceLinks in a registry keyed by tunnel id (sockets never enter
// machine context): the listening ports, every client↔device socket pair, the UDP sockets.
// A link is opened by an event once its port is bound, and ends by exactly one event, for
// whatever cause: DELETE, its device going offline, an idle UDP link, the hub shutting down.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { isLeft } from 'fp-ts/lib/Either.js';
import { formatMac } from '../domain/device/mac.js';
import type { Mac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import { decodeDatagramFrame } from '../domain/gateway/data-frame.js';
import type { AgentStreamMessage } from '../domain/gateway/stream-messages.js';
import type { Clock } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { pinFromSource } from '../domain/tunnel/admission.js';
import { isIPLiteral, isIPv6 } from '../domain/tunnel/address.js';
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
import type { DeviceLink } from './device-link.js';
import { DialBacks } from './dial-backs.js';
import { linkKeyFromHex } from './link-cipher.js';
import type { LinkEnvironment, LinkLogger, LiveLink, Totals } from './live-link.js';
import { PortPool } from './port-pool.js';
import { closeStaleTunnels } from './stale-tunnels.js';
import type { PortRange } from './port-pool.js';
import { TcpLink } from './tcp-link.js';
import { UdpLink } from './udp-link.js';

export interface OpenLinkRequest {
  readonly device: Mac;
  /** The tenant the device is assigned to (the caller checked the principal may see it). */
  readonly tenantId: string;
  readonly settings: LinkSettings;
  readonly context: CommandContext;
}

export interface OpenedLink {
  readonly tunnelId: string;
  /** Where the client connects, on the configured bind address. */
  readonly port: number;
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

/** The device connections of this node, as the device supervisor holds them. */
export interface DeviceConnections {
  /** The live control connection of a device, and the tenant it proved it belongs to. */
  connectionOf(mac: Mac): { readonly link: DeviceLink; readonly tenantId: string | undefined } | undefined;
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
  readonly logger: LinkLogger;
  /** Default 5000. */
  readonly progressIntervalMs?: number;
  /** How long a TCP stream waits for the device's dial-back; default 10 000. */
  readonly dialBackTimeoutMs?: number;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

// A UDP link's socket takes bursts: the default receive buffer (about 208 KiB) drops them.
const udpBufferBytes = 4 * 1024 * 1024;

export class TunnelSupervisor {
  private readonly links = new Map<string, LiveLink>();
  private readonly streams = new Map<string, LiveLink>();
  private readonly pool: PortPool;
  private readonly dialBacks: DialBacks;
  private stopping = false;
  private endedLinkBytes: Totals = { bytesToDevice: 0, bytesFromDevice: 0 };

  constructor(private readonly options: TunnelSupervisorOptions) {
    this.pool = new PortPool(options.ports, options.bindAddress);
    this.dialBacks = new DialBacks(options.dialBackTimeoutMs ?? 10_000);
  }

  /** Closes by an event the links a previous run of this node left open; call before the gateway accepts devices. */
  async start(): Promise<void> {
    const stale = await closeStaleTunnels(this.options.runtime, this.options.store, this.options.nodeId);
    if (stale > 0) this.options.logger.info({ links: stale, nodeId: this.options.nodeId }, 'recorded the links a previous run left open as ended');
  }

  get liveCount(): number {
    return this.links.size;
  }

  /** Bytes the links of this run carried so far, ended ones included: it never decreases (metrics read it). */
  relayedBytes(): Totals {
    let { bytesToDevice, bytesFromDevice } = this.endedLinkBytes;
    for (const link of this.links.values()) {
      const totals = link.totals();
      bytesToDevice += totals.bytesToDevice;
      bytesFromDevice += totals.bytesFromDevice;
    }
    return { bytesToDevice, bytesFromDevice };
  }

  /**
   * Opens a link to a device connected to this node. Throws device_offline (not connected here),
   * ports_exhausted (no free port in the range), validation_failed (source.host does not resolve).
   */
  async open({ device, tenantId, settings, context }: OpenLinkRequest): Promise<OpenedLink> {
    if (this.stopping) throw new TetherError('unavailable', 'the hub is shutting down');
    const connection = this.options.devices.connectionOf(device);
    if (connection === undefined || !connection.link.open) {
      throw new TetherError('device_offline', `device ${formatMac(device)} is not connected to this hub`);
    }
    if (connection.tenantId !== tenantId) {
      throw new TetherError('device_offline', `device ${formatMac(device)} is connected but has not proved it is the device of tenant ${tenantId}`);
    }
    const key = settings.encrypt === undefined ? undefined : linkKeyFromHex(settings.encrypt);
    const sourceAddresses = settings.source === undefined ? undefined : await this.resolve(settings.source.host);
    const tunnelId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const env = this.environment(tunnelId, connection.link);
    const info = { tunnelId, device, tenantId, devicePort: settings.devicePort };

    let link: TcpLink | UdpLink;
    let port: number;
    if (settings.protocol === 'tcp') {
      const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(tunnelId, client));
      port = await this.pool.listen(server);
      const pin = settings.source === undefined ? undefined : pinFromSource(settings.source, sourceAddresses ?? [settings.source.host]);
      link = new TcpLink(info, env, server, key, pin);
    } else {
      const type = isIPv6(this.options.bindAddress) ? 'udp6' : 'udp4';
      const bound = await this.pool.bind(() => createSocket({ type, recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes }));
      port = bound.port;
      const source = settings.source === undefined ? undefined : { host: sourceAddresses?.[0] ?? settings.source.host, port: settings.source.port };
      link = new UdpLink(info, env, bound.socket, {
        ...(key === undefined ? {} : { key }),
        ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
        ...(source === undefined ? {} : { source }),
      });
    }
    const command: TunnelCommand = {
      type: 'OpenTunnel',
      tunnelId,
      device,
      tenantId,
      protocol: settings.protocol,
      devicePort: settings.devicePort,
      ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
      ...(settings.source === undefined ? {} : { source: settings.source }),
      ...(sourceAddresses === undefined || settings.source === undefined || isIPLiteral(settings.source.host) ? {} : { sourceAddresses }),
      encrypted: key !== undefined,
      port,
      host: this.options.bindAddress,
      relay: 'hub',
      node: this.options.nodeId,
      ...(context.ip === undefined ? {} : { userIP: context.ip }),
      tokenHash: sha256(secret).toString('hex'),
    };
    let position: number | undefined;
    try {
      ({ position } = await this.options.runtime.execute(tunnelAggregate, tunnelId, command, context));
    } catch (error) {
      await link.close('error').catch(() => undefined);
      throw error;
    }
    this.links.set(tunnelId, link);
    link.start();
    this.options.logger.info({ tunnelId, device, protocol: settings.protocol, port, devicePort: settings.devicePort }, 'device link opened');
    return { tunnelId, port, token: formatLinkToken(tunnelId, secret), ...(position === undefined ? {} : { position }) };
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

  /** A binary frame from a device's control connection. */
  frame(mac: Mac, frame: Uint8Array): void {
    const decoded = decodeDatagramFrame(frame);
    if (isLeft(decoded)) return;
    const link = this.streams.get(decoded.right.streamId);
    if (link?.info.device === mac) link.datagram(decoded.right.streamId, decoded.right.payload);
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

  /** Closes every live link with cause hub-shutdown; call while the store is open. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.links.values()].map((link) => link.close('hub-shutdown').catch(() => undefined)));
  }

  private accept(tunnelId: string, client: Socket): void {
    const link = this.links.get(tunnelId);
    if (link instanceof TcpLink) link.accept(client);
    else resetSocket(client);
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

  private environment(tunnelId: string, control: DeviceLink): LinkEnvironment {
    const { runtime, clock, logger } = this.options;
    return {
      control,
      record: async (command, context) => {
        const { events, position } = await runtime.execute(tunnelAggregate, tunnelId, command, context);
        return position === undefined ? { events } : { events, position };
      },
      clock,
      progressIntervalMs: this.options.progressIntervalMs ?? 5000,
      logger,
      dialBacks: this.dialBacks,
      claimStream: (streamId, link) => this.streams.set(streamId, link),
      releaseStream: (streamId) => this.streams.delete(streamId),
      forget: (link) => {
        if (!this.links.delete(link.info.tunnelId)) return;
        const totals = link.totals();
        this.endedLinkBytes = {
          bytesToDevice: this.endedLinkBytes.bytesToDevice + totals.bytesToDevice,
          bytesFromDevice: this.endedLinkBytes.bytesFromDevice + totals.bytesFromDevice,
        };
      },
    };
  }
}
