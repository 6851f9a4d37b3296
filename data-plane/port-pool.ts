// The ports tunnels hand out: a configured range on one bind address. Ports are tried
// from a rotating cursor, so a port just released is not handed out again at once (a client of
// the old tunnel might still knock), and a port some other program holds is simply skipped.
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { TetherError } from '../domain/errors.js';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

const isInUse = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EADDRINUSE' || code === 'EACCES';
};

function listenOnce(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function bindOnce(socket: UdpSocket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

export class PortPool {
  private cursor = 0;

  constructor(
    private readonly range: PortRange,
    /** The address every link port binds to. */
    readonly host: string,
  ) {}

  get size(): number {
    return this.range.to - this.range.from + 1;
  }

  /** Listens on the next free port of the range; ports_exhausted when none is. */
  listen(server: Server): Promise<number> {
    return this.take((port) => listenOnce(server, port, this.host));
  }

  /** Binds the next free port of the range; a dgram socket that failed to bind cannot bind again, so `create` makes each try's socket. */
  bind(create: () => UdpSocket): Promise<{ socket: UdpSocket; port: number }> {
    let socket: UdpSocket | undefined;
    return this.take(async (port) => {
      socket = create();
      try {
        await bindOnce(socket, port, this.host);
      } catch (error) {
        socket.close();
        throw error;
      }
    }).then((port) => {
      if (socket === undefined) throw new TetherError('internal', 'no socket was bound');
      return { socket, port };
    });
  }

  private async take(attempt: (port: number) => Promise<void>): Promise<number> {
    for (let tried = 0; tried < this.size; tried += 1) {
      const port = this.range.from + ((this.cursor + tried) % this.size);
      try {
        await attempt(port);
        this.cursor = (this.cursor + tried + 1) % this.size;
        return port;
      } catch (error) {
        if (!isInUse(error)) throw error;
      }
    }
    throw new TetherError(
      'ports_exhausted',
      `every DeviceLink port from ${this.range.from} to ${this.range.to} on ${this.host} is in use; close a link or widen the range`,
    );
  }
}
