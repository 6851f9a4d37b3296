// Binding a proxy's source port before anything is recorded: a port another program holds is
// refused with port_in_use, and nothing is appended. The sockets are made here for the ports a
// pool hands out too (a protocol application's), so both take the same options.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
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

/** A TCP server for clients of a source port: each side of a client's connection may close on its own. */
export const clientServer = (): Server => createServer({ allowHalfOpen: true, noDelay: true });

/** A UDP socket for clients of a source port on `host`. */
export const clientUdpSocket = (host: string): UdpSocket =>
  createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes });

/** Has `server` listen on `port`. */
export function listenTcp(server: Server, port: number, host: string): Promise<Server> {
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
  const socket = clientUdpSocket(host);
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
