// What a test asks of a loopback port the hub binds: whether it answers, whether it is free.
import { connect, createServer } from 'node:net';

/** Whether a connection to the port is accepted. */
export function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether the port can be bound again: a port the hub still holds cannot (a connect could be reset for other reasons). */
export function tcpFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
