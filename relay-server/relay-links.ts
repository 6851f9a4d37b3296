// The links a relay holds for the hub: each one's port (from the relay's range) and sockets,
// served by the very TcpTunnel and UdpTunnel the hub runs for its own links, in an environment that
// asks the hub to decide and append every event (record-requests.ts) and sends the agent's
// messages through the hub (`to-device`). The agents dial back here: TCP streams as raw connections,
// UDP streams as a connection of length-prefixed datagrams (wire/datagram-stream.ts).
import type { Socket } from 'node:net';
import { dialBackDatagrams } from '../data-plane/datagram-route.js';
import type { ControlConnection } from '../data-plane/control-connection.js';
import { DialBacks } from '../data-plane/dial-backs.js';
import { tunnelKeyFromHex } from '../data-plane/tunnel-cipher.js';
import type { TunnelEnvironment, TunnelLogger, LiveTunnel, Totals } from '../data-plane/live-tunnel.js';
import { openLinkOn } from '../data-plane/local-tunnel-host.js';
import { PortPool } from '../data-plane/port-pool.js';
import type { PortRange } from '../data-plane/port-pool.js';
import { isTetherError, TetherError } from '../domain/errors.js';
import type { HubMessage } from '../domain/gateway/hub-messages.js';
import type { Clock } from '../domain/ports/clock.js';
import type { HubToRelayMessage, OpenLink, RelayToHubMessage } from '../domain/relay/channel-messages.js';
import type { LinkSettings } from '../domain/tunnel/devicelink-request.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import { resetSocket } from '../wire/socket-splice.js';
import type { DialBackTarget } from '../wire/stream-dial-back.js';
import { RecordRequests } from './record-requests.js';
import { fitStatus } from './status-sessions.js';

/**
 * The control channel to one hub node. A link belongs to the node that asked for it: its
 * events are recorded, and its agent reached, through that node's channel only.
 */
export interface NodeChannel {
  readonly open: boolean;
  /** False when the channel is down: the message is lost, as are the links it concerns. */
  send(message: RelayToHubMessage): boolean;
}

export interface RelayLinksOptions {
  readonly ports: PortRange;
  /** The address link ports bind to. */
  readonly bindAddress: string;
  readonly maxSessions: number;
  readonly clock: Clock;
  readonly logger: TunnelLogger;
  /** How long a stream waits for the agent's dial-back; default 10 000. */
  readonly dialBackTimeoutMs?: number;
}

/** One session as the seed's status reports it. */
export interface SessionStatus extends Totals {
  readonly id: string;
  readonly agentIP: string;
  readonly createdTime: string;
  readonly bytesTransferred: number;
  readonly endTime?: string;
  readonly terminationCause?: TerminationCause;
}

interface Held {
  readonly link: LiveTunnel;
  readonly opened: OpenLink;
  readonly createdTime: string;
  readonly channel: NodeChannel;
}

export class RelayLinks implements DialBackTarget {
  private readonly pool: PortPool;
  private readonly dialBacks: DialBacks;
  private readonly held = new Map<string, Held>();
  private opening = 0;
  private ended: SessionStatus[] = [];
  /** Each node's requests wait for answers on its own channel. */
  private readonly records = new Map<NodeChannel, RecordRequests>();

  constructor(private readonly options: RelayLinksOptions) {
    this.pool = new PortPool(options.ports, options.bindAddress);
    this.dialBacks = new DialBacks(options.dialBackTimeoutMs ?? 10_000);
  }

  /** Live links: the seed's currentNumberOfSessions. */
  get size(): number {
    return this.held.size;
  }

  /** A message from the node at the other end of `channel`; it reaches only the links that node asked for. */
  receive(message: HubToRelayMessage, channel: NodeChannel): void {
    switch (message.type) {
      case 'open-link':
        void this.openLink(message, channel);
        return;
      case 'close-link': {
        const held = this.held.get(message.tunnelId);
        if (held === undefined) {
          // Not here (any more): the hub records the end with what it knows.
          channel.send({ type: 'link-closed', tunnelId: message.tunnelId, cause: message.cause, bytesToDevice: 0, bytesFromDevice: 0 });
          return;
        }
        if (held.channel !== channel) {
          // Another node's link runs on: saying it closed would have its end recorded early, without its bytes.
          this.options.logger.warn({ tunnelId: message.tunnelId }, "a hub node asked to close a link another node's channel holds; it runs on");
          return;
        }
        held.link.close(message.cause).catch((error: unknown) => this.options.logger.error({ err: error, tunnelId: message.tunnelId }, 'could not close a link'));
        return;
      }
      case 'device-message':
        this.heldFor(message.tunnelId, channel)?.link.streamMessage(message.message);
        return;
      case 'recorded':
        this.records.get(channel)?.recorded(message.requestId, message.events);
        return;
      case 'record-failed':
        this.records.get(channel)?.refused(message.requestId, message.code, message.message);
        return;
    }
  }

  /** The channel to one node is gone: nothing its links do can be recorded, so they end; the other nodes' links go on. */
  channelLost(channel: NodeChannel): void {
    this.records.get(channel)?.rejectAll(new TetherError('unavailable', 'the control channel to the hub is gone'));
    this.records.delete(channel);
    const lost = [...this.held.values()].filter((held) => held.channel === channel);
    void Promise.all(lost.map((held) => held.link.close('relay-lost').catch(() => undefined)));
  }

  /** Ends every link (the relay stops, or lost the hub); resolves once their sockets are closed. */
  async closeAll(cause: TerminationCause): Promise<void> {
    await Promise.all([...this.held.values()].map((held) => held.link.close(cause).catch(() => undefined)));
  }

  /** The seed's status fields: every live session, and those that ended since the last status. */
  takeStatus(): { readonly currentNumberOfSessions: number; readonly sessions: readonly SessionStatus[] } {
    const live = [...this.held.entries()].map(([id, held]): SessionStatus => {
      const totals = held.link.totals();
      return { id, agentIP: held.opened.agentIP, createdTime: held.createdTime, ...totals, bytesTransferred: totals.bytesToDevice + totals.bytesFromDevice };
    });
    const { listed, waiting } = fitStatus(live, this.ended, this.options.maxSessions);
    this.ended = [...waiting];
    return { currentNumberOfSessions: this.held.size, sessions: listed };
  }

  awaitsDialBack(streamId: string, token: string): boolean {
    return this.dialBacks.awaits(streamId, token);
  }

  dialedBack(streamId: string, token: string, socket: Socket): void {
    socket.setNoDelay(true);
    // Until the splice watches it, a reset must not go unhandled.
    socket.on('error', () => undefined);
    if (!this.dialBacks.deliver(streamId, token, socket)) resetSocket(socket);
  }

  private heldFor(tunnelId: string, channel: NodeChannel): Held | undefined {
    const held = this.held.get(tunnelId);
    return held?.channel === channel ? held : undefined;
  }

  private recordsOf(channel: NodeChannel): RecordRequests {
    const existing = this.records.get(channel);
    if (existing !== undefined) return existing;
    const created = new RecordRequests((message) => channel.send(message));
    this.records.set(channel, created);
    return created;
  }

  private async openLink(message: OpenLink, channel: NodeChannel): Promise<void> {
    const { tunnelId } = message;
    const fail = (code: string, text: string): void => void channel.send({ type: 'link-failed', tunnelId, code, message: text });
    if (this.held.has(tunnelId)) return fail('already_exists', `link ${tunnelId} is open here already`);
    if (this.held.size + this.opening >= this.options.maxSessions) {
      return fail('no_relay_available', `this relay carries its maxSessions (${this.options.maxSessions}) already`);
    }
    this.opening += 1;
    try {
      const settings: LinkSettings = {
        protocol: message.protocol,
        devicePort: message.devicePort,
        ...(message.timeout === undefined ? {} : { timeout: message.timeout }),
        ...(message.source === undefined ? {} : { source: message.source }),
        ...(message.encrypt === undefined ? {} : { encrypt: message.encrypt }),
      };
      const env = this.environment(message, channel);
      const key = message.encrypt === undefined ? undefined : tunnelKeyFromHex(message.encrypt);
      const info = { tunnelId, device: message.device, tenantId: message.tenantId, devicePort: message.devicePort };
      const { link, port } = await openLinkOn(
        this.pool,
        { info, settings, ...(key === undefined ? {} : { key }), ...(message.sourceAddresses === undefined ? {} : { sourceAddresses: message.sourceAddresses }), control: env.control },
        env,
      );
      this.held.set(tunnelId, { link, opened: message, createdTime: this.options.clock.now().toISOString(), channel });
      link.start();
      this.options.logger.info({ tunnelId, protocol: message.protocol, port, device: message.device }, 'link opened for the hub');
      if (!channel.send({ type: 'link-opened', tunnelId, port })) void link.close('relay-lost');
    } catch (error) {
      fail(isTetherError(error) ? error.code : 'unavailable', error instanceof Error ? error.message : String(error));
    } finally {
      this.opening -= 1;
    }
  }

  private environment(opened: OpenLink, channel: NodeChannel): TunnelEnvironment {
    const { tunnelId } = opened;
    const { options } = this;
    const control: ControlConnection = {
      connectionId: tunnelId,
      ip: opened.agentIP,
      get open() {
        return channel.open;
      },
      send: (message: HubMessage) => {
        if (message.type === 'open-stream' || message.type === 'close-stream') channel.send({ type: 'to-device', tunnelId, message });
      },
      close: () => undefined,
    };
    return {
      control,
      record: (command, context) => this.recordsOf(channel).record(tunnelId, command, context.ip),
      end: async (link, ending) => {
        const held = this.held.get(tunnelId);
        this.held.delete(tunnelId);
        channel.send({ type: 'link-closed', tunnelId, ...ending });
        if (held !== undefined) {
          this.ended.push({
            id: tunnelId,
            agentIP: opened.agentIP,
            createdTime: held.createdTime,
            bytesToDevice: ending.bytesToDevice,
            bytesFromDevice: ending.bytesFromDevice,
            bytesTransferred: ending.bytesToDevice + ending.bytesFromDevice,
            endTime: options.clock.now().toISOString(),
            terminationCause: ending.cause,
          });
        }
        options.logger.info({ tunnelId, cause: ending.cause, port: link.info.devicePort }, 'link closed');
        return {};
      },
      clock: options.clock,
      progressIntervalMs: opened.progressIntervalMs,
      logger: options.logger,
      dialBacks: this.dialBacks,
      datagrams: dialBackDatagrams(this.dialBacks, options.logger),
      // The hub routes the agent's messages by link (device-message names it).
      claimStream: () => undefined,
      releaseStream: () => undefined,
    };
  }
}
