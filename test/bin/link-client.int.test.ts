// The local end of `tether link open` over real sockets on 127.0.0.1, against a fake "hub port":
// encrypted as docs/devicelink.md specifies, or plain; half-close, resets and a closed link.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createTunnelCipherStreams, readTunnelStreamHeader } from '../../data-plane/tunnel-cipher.js';
import type { TunnelKey } from '../../data-plane/tunnel-cipher.js';
import { serveLocalLink } from '../../bin/link-client.js';
import type { LocalLink } from '../../bin/link-client.js';
import { freePort } from '../e2e/tether-process.js';

const within = (ms = 10_000): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(ms) });
/** Resolves once `socket` has closed, whether it was reset or not (events.once would reject on the reset). */
const closed = (socket: Socket): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
    AbortSignal.timeout(10_000).addEventListener('abort', () => reject(new Error('the socket did not close')));
  });
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeHubPort(onConnection: (socket: Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    // The local end resets it in some tests: that is their point, not a failure here.
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening', within());
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

async function local(options: Parameters<typeof serveLocalLink>[0]): Promise<LocalLink> {
  const link = await serveLocalLink(options);
  cleanups.push(() => link.close());
  return link;
}

function connect(link: LocalLink): Promise<Socket> {
  const socket = net.connect({ host: link.host, port: link.port, allowHalfOpen: true });
  cleanups.push(() => void socket.destroy());
  return once(socket, 'connect', within()).then(() => socket);
}

/** Writes `data` in 64 KiB chunks and ends; resolves with everything that came back. */
async function roundTrip(socket: Socket, data: Buffer): Promise<Buffer> {
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const ended = once(socket, 'end', within(30_000));
  await pipeline(
    (async function* () {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
    })(),
    socket,
    { end: true },
  );
  await ended;
  return Buffer.concat(received);
}

describe('serveLocalLink, encrypted', () => {
  const key: TunnelKey = { key: randomBytes(32), iv: randomBytes(16) };
  const indexes: bigint[] = [];
  const raw: Buffer[] = [];

  /** The hub's part: read the stream index, decrypt, and echo re-encrypted the other way. */
  const echoHub = (): Promise<number> =>
    fakeHubPort((socket) => {
      const tap = new PassThrough();
      socket.on('data', (chunk: Buffer) => raw.push(chunk));
      socket.pipe(tap);
      void (async () => {
        const streamIndex = await readTunnelStreamHeader(tap);
        indexes.push(streamIndex);
        const { decryptFromClient, encryptToClient } = createTunnelCipherStreams({ ...key, streamIndex });
        await pipeline(tap, decryptFromClient, encryptToClient, socket);
      })().catch(() => socket.destroy());
    });

  it('carries 5 MB there and back with matching SHA-256, and nothing in clear on the wire', async () => {
    const link = await local({ hubHost: '127.0.0.1', hubPort: await echoHub(), key });
    const data = randomBytes(5 * 1024 * 1024);
    const back = await roundTrip(await connect(link), data);
    expect(back.length).toBe(data.length);
    expect(sha256(back)).toBe(sha256(data));
    const wire = Buffer.concat(raw);
    expect(wire.length).toBe(8 + data.length);
    expect(wire.subarray(8).equals(data)).toBe(false);
    expect(wire.indexOf(data.subarray(0, 32))).toBe(-1);
  });

  it('gives every connection its own random stream index', async () => {
    const link = await local({ hubHost: '127.0.0.1', hubPort: await echoHub(), key });
    indexes.length = 0;
    const payloads = [randomBytes(200_000), randomBytes(300_000), Buffer.from('x')];
    const backs = await Promise.all(payloads.map(async (payload) => roundTrip(await connect(link), payload)));
    backs.forEach((back, i) => expect(back.equals(payloads[i] ?? Buffer.alloc(0))).toBe(true));
    expect(new Set(indexes).size).toBe(3);
    for (const index of indexes) expect(index < 2n ** 63n).toBe(true);
  });
});

describe('serveLocalLink, plain', () => {
  it('serves on the local port asked for', async () => {
    const port = await freePort();
    const link = await local({ hubHost: '127.0.0.1', hubPort: await fakeHubPort((s) => s.end()), localPort: port, localHost: '127.0.0.1' });
    expect({ host: link.host, port: link.port }).toEqual({ host: '127.0.0.1', port });
  });

  it('passes a FIN each way and keeps the other direction open', async () => {
    // The "hub" answers only once the client has finished sending, then ends in turn.
    const hubPort = await fakeHubPort((socket) => {
      let count = 0;
      socket.on('data', (chunk: Buffer) => (count += chunk.length));
      socket.on('end', () => socket.end(`got ${count} bytes`));
    });
    const link = await local({ hubHost: '127.0.0.1', hubPort });
    const back = await roundTrip(await connect(link), randomBytes(1_000_000));
    expect(back.toString()).toBe('got 1000000 bytes');
  });

  it('turns a reset from the hub into a reset of the local connection', async () => {
    const hubPort = await fakeHubPort((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const link = await local({ hubHost: '127.0.0.1', hubPort });
    const socket = await connect(link);
    socket.write('hello');
    const [error] = (await once(socket, 'error', within())) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNRESET');
  });

  it('reports a closed link port and drops the local connection', async () => {
    const refused: NodeJS.ErrnoException[] = [];
    let reported: () => void = () => undefined;
    const report = new Promise<void>((resolve) => (reported = resolve));
    const link = await local({
      hubHost: '127.0.0.1',
      hubPort: await freePort(),
      onHubUnreachable: (error) => {
        refused.push(error);
        reported();
      },
    });
    const socket = await connect(link);
    await Promise.all([report, closed(socket)]);
    expect(refused.map((error) => error.code)).toEqual(['ECONNREFUSED']);
  });

  it('close() stops listening and resets what is still connected', async () => {
    const hubPort = await fakeHubPort((socket) => socket.pipe(socket));
    const link = await local({ hubHost: '127.0.0.1', hubPort });
    const socket = await connect(link);
    socket.write('ping');
    await once(socket, 'data', within());
    const reset = closed(socket);
    await link.close();
    await reset;
    const again = net.connect({ host: link.host, port: link.port });
    const [error] = (await once(again, 'error', within())) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});
