// One place the benchmark's client connects to (a server, a relay port, a link's port) and
// the bytes its connections carried each way, counted by the client's own sockets once they
// closed: for a link, the totals its session record must show.
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export class TcpTarget {
  private sent = 0;
  private received = 0;
  private readonly live = new Set<Socket>();
  private closings: Promise<void>[] = [];

  /** `host`: the address it listens on (a cluster node's --link-bind). */
  constructor(
    readonly port: number,
    readonly host = '127.0.0.1',
  ) {}

  /** Bytes written to it by connections that have closed. */
  get toServer(): number {
    return this.sent;
  }

  /** Bytes read from it by connections that have closed. */
  get fromServer(): number {
    return this.received;
  }

  /** A new connection (Nagle off, half-open allowed); its errors surface as an early close. */
  dial(): Socket {
    const socket = connect({ host: this.host, port: this.port, allowHalfOpen: true, noDelay: true });
    this.live.add(socket);
    socket.on('error', () => undefined);
    this.closings.push(
      new Promise((resolve) => {
        socket.once('close', () => {
          this.live.delete(socket);
          this.sent += socket.bytesWritten;
          this.received += socket.bytesRead;
          resolve();
        });
      }),
    );
    return socket;
  }

  /** Resolves once every connection dialed so far has closed. */
  async settled(): Promise<void> {
    const closings = this.closings;
    this.closings = [];
    await Promise.all(closings);
  }

  /** Destroys the connections still open (after a failed or timed-out measurement). */
  abort(): void {
    for (const socket of this.live) socket.destroy();
  }
}
