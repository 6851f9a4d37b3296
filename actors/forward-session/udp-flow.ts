// One client's UDP flow through a hub socket (a UDP proxy's source port, or a UDP protocol
// application's port): the client's datagrams go to a backend (a socket to the target, or a
// UDP stream through a device) and the target's come back from the hub socket, boundaries
// kept. The flow ends after `timeoutMs` without a datagram either way.
import type { Socket as UdpSocket } from 'node:dgram';
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { ForwardTraffic, StreamMeter } from './forward-session.js';

export interface UdpBackend {
  send(payload: Uint8Array): void;
  close(cause: TerminationCause): void;
}

export interface FlowPeer {
  readonly host: string;
  readonly port: number;
}

// Datagrams a client sends before the target side is ready wait, up to this many; later ones are dropped, as UDP may.
const maxWaitingDatagrams = 64;

export class UdpFlow {
  private backend: UdpBackend | undefined;
  private waiting: Uint8Array[] = [];
  private traffic: ForwardTraffic = { bytesToTarget: 0, bytesFromTarget: 0 };
  private lastActivity: number;
  private idle: TimerHandle | undefined;
  private endedWith: TerminationCause | undefined;
  private settle: (cause: TerminationCause) => void = () => undefined;
  /** Settles with the cause once the flow ended. */
  readonly ended: Promise<TerminationCause>;

  constructor(
    private readonly front: UdpSocket,
    readonly peer: FlowPeer,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    this.lastActivity = clock.now().getTime();
    this.ended = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.armIdle();
  }

  get open(): boolean {
    return this.endedWith === undefined;
  }

  /** The target side is ready: waiting datagrams go out now. */
  attach(backend: UdpBackend): void {
    if (this.endedWith !== undefined) {
      backend.close(this.endedWith);
      return;
    }
    this.backend = backend;
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((payload) => this.toTarget(payload));
  }

  fromClient(payload: Uint8Array): void {
    if (this.endedWith !== undefined) return;
    if (this.backend === undefined) {
      if (this.waiting.length < maxWaitingDatagrams) this.waiting.push(payload);
      return;
    }
    this.toTarget(payload);
  }

  fromTarget(payload: Uint8Array): void {
    if (this.endedWith !== undefined) return;
    this.front.send(payload, this.peer.port, this.peer.host);
    this.traffic = { ...this.traffic, bytesFromTarget: this.traffic.bytesFromTarget + payload.length };
    this.touch();
  }

  bytes(): ForwardTraffic {
    return this.traffic;
  }

  meter(): StreamMeter {
    return {
      bytes: () => this.traffic,
      abort: () => this.end('error'),
      done: this.ended.then(() => this.traffic),
    };
  }

  /** Ends the flow once; its backend is closed with the same cause. */
  end(cause: TerminationCause): void {
    if (this.endedWith !== undefined) return;
    this.endedWith = cause;
    this.idle?.cancel();
    this.backend?.close(cause);
    this.settle(cause);
  }

  private toTarget(payload: Uint8Array): void {
    this.backend?.send(payload);
    this.traffic = { ...this.traffic, bytesToTarget: this.traffic.bytesToTarget + payload.length };
    this.touch();
  }

  private touch(): void {
    this.lastActivity = this.clock.now().getTime();
  }

  private armIdle(): void {
    this.idle = this.clock.at(new Date(this.lastActivity + this.timeoutMs), () => {
      if (this.endedWith !== undefined) return;
      if (this.clock.now().getTime() - this.lastActivity >= this.timeoutMs) this.end('idle-timeout');
      else this.armIdle();
    });
  }
}
