// A splice whose source reads into one kept buffer: a slow reader on the far side must get every
// byte intact (the buffer is only read into again once a write has let go of it), nothing may
// pile up unsent, bytes that came before the splice come first, and the end is passed on.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KeptReadBuffer } from '../../wire/kept-read-buffer.js';
import { splice } from '../../wire/socket-splice.js';

const servers: net.Server[] = [];
const sockets: Socket[] = [];

afterEach(() => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  servers.splice(0).forEach((server) => server.close());
});

/** A server whose first connection is handed to `serve`; its port. */
async function serverFor(serve: (socket: Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    serve(socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Reads everything, slowly: a pause after each chunk, so the writer backs up. */
function slowSink(socket: Socket): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Promise((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      socket.pause();
      setTimeout(() => socket.resume(), 1);
    });
    socket.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
  });
}

function connect(port: number, reads?: KeptReadBuffer): Socket {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true, ...(reads === undefined ? {} : { onread: reads.onread() }) });
  sockets.push(socket);
  return socket;
}

describe('a splice from a socket that reads into a kept buffer', () => {
  it('carries every byte intact to a slow reader, without piling up unsent bytes', async () => {
    const payload = randomBytes(8 * 1024 * 1024);
    const sourcePort = await serverFor((socket) => socket.end(payload));
    let received: Promise<{ bytes: number; sha256: string }> | undefined;
    const sinkPort = await serverFor((socket) => {
      received = slowSink(socket);
    });
    const reads = new KeptReadBuffer();
    const source = connect(sourcePort, reads);
    const sink = connect(sinkPort);
    await Promise.all([once(source, 'connect'), once(sink, 'connect')]);
    let mostUnsent = 0;
    const watch = setInterval(() => {
      mostUnsent = Math.max(mostUnsent, sink.writableLength);
    }, 1);
    const spliced = splice({ socket: source, reads }, { socket: sink });
    await once(sink, 'finish');
    clearInterval(watch);
    expect(await received).toEqual({ bytes: payload.length, sha256: createHash('sha256').update(payload).digest('hex') });
    expect(spliced.bytesAToB).toBe(payload.length);
    // At most one read's worth waits in the writer: the reading pauses behind it.
    expect(mostUnsent).toBeLessThanOrEqual(64 * 1024);
  });

  it('delivers what arrived before the splice first, and counts it as stream bytes', async () => {
    const sourcePort = await serverFor((socket) => {
      socket.write('banner\n');
      setTimeout(() => socket.end('rest'), 50);
    });
    let received = '';
    let ended: Promise<unknown> = Promise.resolve();
    const sinkPort = await serverFor((socket) => {
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      ended = once(socket, 'end');
    });
    const reads = new KeptReadBuffer();
    const source = connect(sourcePort, reads);
    await once(source, 'connect');
    // The banner is read while the far side is still being reached: it is held, the socket paused.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads.heldBytes).toBe('banner\n'.length);
    const sink = connect(sinkPort);
    await once(sink, 'connect');
    const spliced = splice({ socket: source, reads }, { socket: sink });
    await once(sink, 'finish');
    await ended;
    expect(received).toBe('banner\nrest');
    expect(spliced.bytesAToB).toBe('banner\nrest'.length);
  });
});
