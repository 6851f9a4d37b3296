// The traffic of the cluster tests' links and proxies: an echo server beside the device, the
// bytes that come back, and whether a closed port refuses.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/** An echo server on 127.0.0.1, listening; `accepted` keeps the device-side sockets it takes. */
export async function deviceEchoServer(accepted: Socket[] = []): Promise<Server> {
  const echo = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  echo.listen(0, '127.0.0.1');
  await new Promise((resolve) => echo.once('listening', resolve));
  return echo;
}

/** Resolves with the bytes read once `expected` came, or rejects when the socket ends first. */
export function readExactly(socket: Socket, expected: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= expected) resolve(Buffer.concat(chunks));
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the connection closed after ${length} of ${expected} bytes`)));
  });
}

/** Whether a connection to the port on 127.0.0.1 is refused (nothing listens there). */
export const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = connect({ port, host: '127.0.0.1' });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
