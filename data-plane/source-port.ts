// A proxy's source port, bound before anything is recorded: a port another program holds is
// refused with port_in_use, and nothing is appended.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { TetherError } from '../domain/errors.js';
import { isIPv6 } from '../domain/tunnel/address.js';

// A UDP source port takes bursts: the default receive buffer (about 208 KiB) drops them.
const udpBufferBytes = 4 * 1024 * 1024;

function refusal(error: unknown, port: number, host: string, transport: string): TetherError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new TetherError('port_in_use', `${transport} port ${port} on ${host} is in use by another program`, ['body.sourcePort']);
  if (code === 'EACCES') return new TetherError('port_in_use', `${transport} port ${port} on ${host} may not be bound by the hub (a privileged port?)`, ['body.sourcePort']);
  return new TetherError('unavailable', `cannot bind ${transport} port ${port} on ${host}: ${(error as Error).message}`, ['body.sourcePort']);
}

/** A TCP server listening on `port`; connections go to `onConnection`. */
export function listenTcp(port: number, host: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(refusal(error, port, host, 'TCP'));
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

export function bindUdp(port: number, host: string): Promise<UdpSocket> {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes });
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.close();
      reject(refusal(error, port, host, 'UDP'));
    };
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export const closeServer = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

export const closeUdp = (socket: UdpSocket): Promise<void> =>
  new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
