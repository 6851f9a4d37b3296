// Helpers for proxy and protocol-application tests: real servers on 127.0.0.1 to be the
// targets, ports outside the DeviceLink range, and the session records as the API shows them.
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { expect } from 'vitest';
import { eventually, freePort } from '../e2e/tether-process.js';
import type { TestHub } from './hub-harness.js';
import type { SessionView } from './linked-hub.js';

/** A free port outside `range` (the DeviceLink ports proxies may not use). */
export async function portOutside(range: { readonly from: number; readonly to: number }): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < range.from || port > range.to) return port;
  }
}

export interface EchoServer {
  readonly server: Server;
  readonly port: number;
  /** Every connection the server took. */
  readonly sockets: Socket[];
  /** Bytes the server read and wrote, over every connection. */
  totals(): { readonly read: number; readonly written: number };
  close(): Promise<void>;
}

/** Echoes what it reads, prefixed by `tag` once per connection, so tests can tell two targets apart. */
export async function echoServer(tag = ''): Promise<EchoServer> {
  const sockets: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    if (tag !== '') socket.write(tag);
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    sockets,
    totals: () => ({ read: sockets.reduce((sum, s) => sum + s.bytesRead, 0), written: sockets.reduce((sum, s) => sum + s.bytesWritten, 0) }),
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** Sends `payload` on a new connection to `port` (at `host`), half-closes, and resolves with all it got back. */
export async function exchange(port: number, payload: Buffer | string, host = '127.0.0.1'): Promise<Buffer> {
  const socket = connect({ port, host, allowHalfOpen: true });
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A proxy that cannot reach its target resets the connection: that is an answer too (nothing).
  socket.on('error', () => undefined);
  socket.end(payload);
  await socketClosed(socket);
  return Buffer.concat(chunks);
}

/** Resolves once a connection to `port` is refused (the port is closed). */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

export interface ListedSessions {
  readonly items: readonly SessionView[];
}

export async function sessionsWhere(t: TestHub, token: string, query: string): Promise<readonly SessionView[]> {
  const response = await t.call({ method: 'GET', url: `/api/v1/sessions?${query}`, token });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as ListedSessions).items;
}

/** The closed sessions `which` picks among those the query lists, once there are `count` of them. */
export function closedSessions(
  t: TestHub,
  token: string,
  query: string,
  which: (session: SessionView) => boolean,
  count = 1,
): Promise<readonly SessionView[]> {
  return eventually(`${count} closed session(s) where ${query}`, 10_000, async () => {
    const closed = (await sessionsWhere(t, token, `${query}&state=closed`)).filter(which);
    return closed.length >= count ? closed : undefined;
  });
}

/** Resolves once the socket is closed, however it ended (a reset included). */
export const socketClosed = (socket: Socket): Promise<void> =>
  new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
