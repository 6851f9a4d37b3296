// Streams through a device for proxies and protocol applications, on the tunnels' data
// plane (docs/devicelink.md, "Hub ↔ agent"): `open-stream` to the device's agent, the TCP
// stream's connection dialled back with a single-use token (dial-backs.ts), a UDP stream's
// too, its datagrams length-prefixed on it (datagram-route.ts). Reverse streams (dtt-reverse) are
// dialled back the same way once the hub accepts them.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { formatMac } from '../domain/device/mac.js';
import type { Mac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import type { AgentStreamMessage } from '../domain/gateway/stream-messages.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import { resetSocket } from '../wire/socket-splice.js';
import { dialBackDatagrams } from './datagram-route.js';
import type { DatagramRoute } from './datagram-route.js';
import type { ControlConnection } from './control-connection.js';
import { DialBacks } from './dial-backs.js';
import type { ExpectedDialBack } from './dial-backs.js';
import type { TunnelLogger } from './live-tunnel.js';
import { provenConnection } from './proven-connection.js';
import type { DeviceConnections } from './proven-connection.js';


export interface StreamTarget {
  readonly host: string;
  readonly port: number;
}

export interface DialedStream {
  readonly streamId: string;
  /** The device's connection for the stream: its bytes are the target's. */
  readonly socket: Socket;
  /** The device as the hub sees its control connection. */
  readonly agentIP: string;
  /** Tells the agent the stream is over (a reset may reach it as a mere FIN). */
  close(cause: TerminationCause): void;
}

export interface UdpThroughDevice {
  readonly streamId: string;
  readonly agentIP: string;
  /** False when the datagram was dropped (its connection is backed up, not there yet, or gone). */
  send(payload: Uint8Array): boolean;
  close(cause: TerminationCause): void;
}

export interface UdpHandlers {
  readonly datagram: (payload: Uint8Array) => void;
  readonly closed: (cause: TerminationCause) => void;
}

export interface StreamOptions {
  /** The tenant the device must have proved; any when left out. */
  readonly tenantId?: string;
  readonly signal?: AbortSignal;
  /** The client the stream is for: a peer node carrying the stream logs it (see api/device-stream-server.ts). */
  readonly clientIp?: string;
}

/** What proxies ask of devices: streams through them, and whether one just went away. */
export interface DeviceStreams {
  dialTcp(mac: Mac, target: StreamTarget, options?: StreamOptions): Promise<DialedStream>;
  openUdp(mac: Mac, target: StreamTarget, handlers: UdpHandlers, tenantId?: string): Promise<UdpThroughDevice>;
  whenOffline(mac: Mac, graceMs: number): Promise<boolean>;
}

interface PendingUdp {
  readonly mac: Mac;
  readonly opened: (stream: UdpThroughDevice) => void;
  readonly refused: (error: TetherError) => void;
  readonly stream: UdpThroughDevice;
  readonly handlers: UdpHandlers;
  open: boolean;
}

export class DeviceDialer implements DeviceStreams {
  private readonly dialBacks: DialBacks;
  private readonly datagrams: DatagramRoute;
  /** TCP streams waiting for their dial-back, by stream id: the device they were asked of. */
  private readonly dialing = new Map<string, Mac>();
  private readonly udp = new Map<string, PendingUdp>();
  /** Waiting to learn whether a device's control connection ends soon (see whenOffline). */
  private readonly offlineWaiters = new Map<Mac, Set<() => void>>();

  constructor(
    private readonly devices: DeviceConnections,
    logger: TunnelLogger,
    dialBackTimeoutMs = 10_000,
  ) {
    this.dialBacks = new DialBacks(dialBackTimeoutMs);
    this.datagrams = dialBackDatagrams(this.dialBacks, logger);
  }

  /** The device's control connection as the device supervisor holds it, and the tenant it proved. */
  connectionOf(mac: Mac): ReturnType<DeviceConnections['connectionOf']> {
    return this.devices.connectionOf(mac);
  }

  /** The device's live control connection, proved (for `tenantId` when given); device_offline or device_unauthenticated otherwise. */
  control(mac: Mac, tenantId?: string): ControlConnection {
    return provenConnection(this.devices, mac, tenantId);
  }

  /**
   * A TCP stream from the device to `target` (as the device sees it). Rejects with forbidden
   * (the agent refused: not in its --allow list, or unreachable), device_offline, or unavailable
   * (no dial-back in time, or `signal` aborted).
   */
  async dialTcp(mac: Mac, target: StreamTarget, options: StreamOptions = {}): Promise<DialedStream> {
    const link = this.control(mac, options.tenantId);
    const streamId = randomUUID();
    const expected = this.dialBacks.expect(streamId);
    this.dialing.set(streamId, mac);
    const abort = (): void => this.dialBacks.fail(streamId, new TetherError('unavailable', 'the stream was given up before the device answered'));
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted === true) abort();
    link.send({ type: 'open-stream', streamId, protocol: 'tcp', target: { host: target.host, port: target.port }, token: expected.token });
    try {
      const socket = await expected.socket;
      return { streamId, socket, agentIP: link.ip, close: (cause) => this.tellClosed(link, streamId, cause) };
    } catch (error) {
      this.tellClosed(link, streamId, 'error');
      throw error;
    } finally {
      this.dialing.delete(streamId);
      options.signal?.removeEventListener('abort', abort);
    }
  }

  /** A UDP stream from the device to `target`; resolves once the agent's socket is ready. */
  openUdp(mac: Mac, target: StreamTarget, handlers: UdpHandlers, tenantId?: string): Promise<UdpThroughDevice> {
    const link = this.control(mac, tenantId);
    const streamId = randomUUID();
    return new Promise((resolve, reject) => {
      const stream: UdpThroughDevice = {
        streamId,
        agentIP: link.ip,
        send: (payload) => link.open && this.datagrams.send(streamId, payload),
        close: (cause) => {
          if (this.forgetUdp(streamId)) this.tellClosed(link, streamId, cause);
        },
      };
      this.udp.set(streamId, { mac, opened: resolve, refused: reject, stream, handlers, open: false });
      const token = this.datagrams.open(streamId, handlers.datagram);
      link.send({ type: 'open-stream', streamId, protocol: 'udp', target: { host: target.host, port: target.port }, token });
    });
  }

  /** A reverse stream the device opened: the dial-back to wait for, and the token to send in reverse-accept. */
  expectDialBack(streamId: string): ExpectedDialBack {
    return this.dialBacks.expect(streamId);
  }

  /** No dial-back will come for this stream. */
  giveUpDialBack(streamId: string, why: string): void {
    this.dialBacks.fail(streamId, new TetherError('unavailable', why));
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

  /** A stream message of a device: ignored unless the stream is this dialer's and that device's. */
  streamMessage(mac: Mac, message: AgentStreamMessage): void {
    if (message.type === 'stream-refused' && this.dialing.get(message.streamId) === mac) {
      this.dialBacks.fail(message.streamId, new TetherError('forbidden', `the device refused the target: ${message.message}`));
      return;
    }
    const udp = this.udp.get(message.streamId);
    if (udp?.mac !== mac) return;
    if (message.type === 'stream-opened') {
      udp.open = true;
      udp.opened(udp.stream);
    } else if (message.type === 'stream-refused') {
      this.forgetUdp(message.streamId);
      udp.refused(new TetherError('forbidden', `the device refused the target: ${message.message}`));
    } else {
      this.forgetUdp(message.streamId);
      if (udp.open) udp.handlers.closed(message.cause);
      else udp.refused(new TetherError('forbidden', 'the device closed the stream before it opened'));
    }
  }

  /**
   * True once the device's control connection ends within `graceMs`, false if it is still up
   * then. A device that dies resets its streams' connections and drops its control connection
   * at once, in no fixed order: a stream reset by the device asks this before naming its cause.
   */
  whenOffline(mac: Mac, graceMs: number): Promise<boolean> {
    const connection = this.devices.connectionOf(mac);
    if (connection === undefined || !connection.link.open) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.offlineWaiters.get(mac) ?? new Set<() => void>();
      this.offlineWaiters.set(mac, waiters);
      const done = (offline: boolean): void => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0 && this.offlineWaiters.get(mac) === waiters) this.offlineWaiters.delete(mac);
        resolve(offline);
      };
      const wake = (): void => done(true);
      const timer = setTimeout(() => done(false), graceMs);
      timer.unref();
      waiters.add(wake);
    });
  }

  /** The device's control connection ended: UDP streams through it end with it (TCP streams end on their own connections). */
  connectionEnded(mac: Mac): void {
    const waiters = this.offlineWaiters.get(mac);
    this.offlineWaiters.delete(mac);
    waiters?.forEach((wake) => wake());
    for (const [streamId, udp] of this.udp) {
      if (udp.mac !== mac) continue;
      this.forgetUdp(streamId);
      if (udp.open) udp.handlers.closed('device-offline');
      else udp.refused(new TetherError('device_offline', `device ${formatMac(mac)} went offline`));
    }
  }

  /** True when the UDP stream was this dialer's; its connection is closed. */
  private forgetUdp(streamId: string): boolean {
    this.datagrams.close(streamId);
    return this.udp.delete(streamId);
  }

  private tellClosed(link: ControlConnection, streamId: string, cause: TerminationCause): void {
    if (link.open) link.send({ type: 'close-stream', streamId, cause });
  }
}
