// A UDP tunnel: one socket on the hub (or a relay), one client (the source, or the first
// that sends), one stream to the device port. Datagrams travel the tunnel's datagram route (the
// stream's dial-back connection, length-prefixed) one at a time, so their boundaries survive;
// the tunnel closes after `timeout` ms without one.
import { randomUUID } from 'node:crypto';
import type { RemoteInfo } from 'node:dgram';
import { isTetherError } from '../domain/errors.js';
import type { AgentStreamMessage } from '../domain/gateway/stream-messages.js';
import type { TimerHandle } from '../domain/ports/clock.js';
import type { ClientAddress } from '../domain/tunnel/admission.js';
import { peerKey } from '../domain/tunnel/admission.js';
import { canonicalHost } from '../domain/tunnel/address.js';
import { ReplayWindow } from '../domain/tunnel/replay-window.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import type { UdpPort } from './bound-port.js';
import type { TunnelKey } from './tunnel-cipher.js';
import { openDatagram, sealDatagram } from './tunnel-cipher.js';
import { LiveTunnel } from './live-tunnel.js';
import type { TunnelEnvironment, TunnelInfo, Totals } from './live-tunnel.js';

export interface UdpTunnelOptions {
  readonly key?: TunnelKey;
  /** Idle timeout in ms; none: the link never idles out. */
  readonly timeout?: number;
  /** The source's address: the link attaches it at once and sends it the device's datagrams. */
  readonly source?: ClientAddress;
}

// Datagrams a client sends before the device's socket is ready wait, up to this many; later ones are dropped, as UDP may.
const maxWaitingDatagrams = 64;

export class UdpTunnel extends LiveTunnel {
  private client: ClientAddress | undefined;
  private streamId: string | undefined;
  private opened = false;
  private attaching: ClientAddress | undefined;
  private waiting: Buffer[] = [];
  /** Peers turned away: their refusal is recorded once, later datagrams are dropped unrecorded. */
  private readonly refused = new Set<string>();
  private bytesToDevice = 0;
  private bytesFromDevice = 0;
  /** The last peer address the socket reported, canonical: every datagram of the client has the same. */
  private lastPeer = { reported: '', host: '' };
  private lastActivity: number;
  private idle: TimerHandle | undefined;
  private sequence = 0n;
  private readonly replay = new ReplayWindow();

  constructor(
    info: TunnelInfo,
    env: TunnelEnvironment,
    /** Its socket errors are logged by whoever bound it. */
    private readonly port: UdpPort,
    private readonly options: UdpTunnelOptions,
  ) {
    super(info, env);
    this.lastActivity = env.clock.now().getTime();
  }

  start(): void {
    this.port.start((datagram, peer) => this.fromClient(datagram, peer));
    this.startProgress();
    this.armIdle();
    if (this.options.source !== undefined) this.attach(this.options.source);
  }

  totals(): Totals {
    return { bytesToDevice: this.bytesToDevice, bytesFromDevice: this.bytesFromDevice };
  }

  streamMessage(message: AgentStreamMessage): void {
    if (message.streamId !== this.streamId) return;
    if (message.type === 'stream-opened') {
      this.env
        .record({ type: 'OpenStream', streamId: message.streamId, agentIP: this.env.control.ip }, this.systemContext)
        .then(() => {
          this.opened = true;
          const waiting = this.waiting;
          this.waiting = [];
          waiting.forEach((datagram) => this.toDevice(datagram));
        })
        .catch((error: unknown) => this.logFailure(error, 'stream opened'));
      return;
    }
    const cause: TerminationCause = message.type === 'stream-refused' ? 'target-refused' : message.cause;
    if (message.type === 'stream-refused') this.env.logger.info({ tunnelId: this.info.tunnelId, reason: message.reason }, message.message);
    void this.close(cause).catch((error: unknown) => this.logFailure(error, 'close'));
  }

  /** A datagram of the device: to the client, if there is one yet. */
  private datagram(streamId: string, payload: Uint8Array): void {
    const { client } = this;
    if (streamId !== this.streamId || client === undefined || this.closingCause !== undefined) return;
    const out = this.options.key === undefined ? payload : sealDatagram(this.options.key, 'device-to-client', this.nextSequence(), payload);
    this.port.socket.send(out, client.port, client.host);
    this.bytesFromDevice += payload.length;
    this.touch();
  }

  private nextSequence(): bigint {
    const sequence = this.sequence;
    this.sequence += 1n;
    return sequence;
  }

  private fromClient(datagram: Buffer, peer: RemoteInfo): void {
    if (this.closingCause !== undefined) return;
    if (peer.address !== this.lastPeer.reported) this.lastPeer = { reported: peer.address, host: canonicalHost(peer.address) };
    const from: ClientAddress = { host: this.lastPeer.host, port: peer.port };
    const { client, attaching } = this;
    if (client !== undefined && client.host === from.host && client.port === from.port) {
      this.fromTheClient(datagram);
      return;
    }
    if (attaching !== undefined && attaching.host === from.host && attaching.port === from.port) {
      if (this.waiting.length < maxWaitingDatagrams) this.waiting.push(datagram);
      return;
    }
    if (client === undefined && attaching === undefined) {
      this.waiting.push(datagram);
      this.attach(from);
      return;
    }
    this.refuse(from);
  }

  private fromTheClient(datagram: Buffer): void {
    let payload: Buffer = datagram;
    if (this.options.key !== undefined) {
      try {
        const opened = openDatagram(this.options.key, 'client-to-device', datagram);
        if (!this.replay.accept(opened.sequence)) return;
        payload = opened.payload;
      } catch {
        return;
      }
    }
    if (!this.opened) {
      if (this.waiting.length < maxWaitingDatagrams) this.waiting.push(payload);
      return;
    }
    this.toDevice(payload);
  }

  private toDevice(payload: Buffer): void {
    const { streamId } = this;
    if (streamId === undefined || !this.env.control.open || !this.env.datagrams.send(streamId, payload)) return;
    this.bytesToDevice += payload.length;
    this.touch();
  }

  private attach(candidate: ClientAddress): void {
    this.attaching = candidate;
    const streamId = randomUUID();
    const context = { ...this.systemContext, ip: candidate.host };
    this.env
      .record({ type: 'AttachClient', streamId, clientHost: candidate.host, clientPort: candidate.port, agentIP: this.env.control.ip }, context)
      .then((recorded) => {
        this.attaching = undefined;
        if (!recorded.events.some((event) => event.type === 'TunnelClientAttached') || this.closingCause !== undefined) {
          this.waiting = [];
          this.refused.add(peerKey('udp', candidate));
          return;
        }
        // An encrypted link's datagrams waited sealed: they are opened now, in order.
        const sealed = this.waiting;
        this.waiting = [];
        this.client = candidate;
        this.streamId = streamId;
        this.env.claimStream(streamId, this);
        sealed.forEach((datagram) => this.fromTheClient(datagram));
        const token = this.env.datagrams.open(streamId, (payload) => this.datagram(streamId, payload));
        this.env.control.send({ type: 'open-stream', streamId, protocol: 'udp', target: { host: '127.0.0.1', port: this.info.devicePort }, token });
      })
      .catch((error: unknown) => {
        this.attaching = undefined;
        if (!isTetherError(error, 'transition_forbidden')) this.logFailure(error, 'client attached');
      });
  }

  private refuse(peer: ClientAddress): void {
    const key = peerKey('udp', peer);
    if (this.refused.has(key)) return;
    this.refused.add(key);
    this.env
      .record({ type: 'AttachClient', streamId: randomUUID(), clientHost: peer.host, clientPort: peer.port }, { ...this.systemContext, ip: peer.host })
      .catch((error: unknown) => {
        if (!isTetherError(error, 'transition_forbidden')) this.logFailure(error, 'client refused');
      });
  }

  private touch(): void {
    // Only the idle timeout reads it: a link without one skips the clock on every datagram.
    if (this.options.timeout !== undefined) this.lastActivity = this.env.clock.now().getTime();
  }

  private armIdle(): void {
    const { timeout } = this.options;
    if (timeout === undefined) return;
    this.idle = this.env.clock.at(new Date(this.lastActivity + timeout), () => {
      if (this.closingCause !== undefined) return;
      if (this.env.clock.now().getTime() - this.lastActivity >= timeout) {
        void this.close('idle-timeout').catch((error: unknown) => this.logFailure(error, 'idle timeout'));
      } else {
        this.armIdle();
      }
    });
  }

  protected async teardown(cause: TerminationCause): Promise<void> {
    this.idle?.cancel();
    const { streamId } = this;
    if (streamId !== undefined) {
      if (this.env.control.open && cause !== 'device-closed' && cause !== 'error') this.env.control.send({ type: 'close-stream', streamId, cause });
      this.env.datagrams.close(streamId);
      this.env.releaseStream(streamId);
    }
    await this.port.close();
  }
}
