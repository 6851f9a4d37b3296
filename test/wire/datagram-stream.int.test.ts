// Datagrams on a byte stream keep their boundaries however TCP cuts the bytes, and a backed-up
// connection drops datagrams instead of queueing them.
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DatagramWriter, readDatagrams } from '../../wire/datagram-stream.js';

const sockets: Socket[] = [];
const servers: net.Server[] = [];

afterEach(() => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  servers.splice(0).forEach((server) => server.close());
});

async function pair(): Promise<{ a: Socket; b: Socket }> {
  const server = net.createServer();
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const a = net.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  const [b] = await accepted;
  sockets.push(a, b);
  return { a, b };
}

describe('datagrams on a stream', () => {
  it('delivers each datagram whole, in order, whatever the chunks', async () => {
    const { a, b } = await pair();
    const sizes = [0, 1, 2, 1400, 65_507, 3];
    const received: Buffer[] = [];
    const all = new Promise<void>((resolve) =>
      readDatagrams(b, (payload) => {
        received.push(Buffer.from(payload));
        if (received.length === sizes.length) resolve();
      }),
    );
    // Frames written byte by byte to the socket cut headers and payloads anywhere.
    const frames = Buffer.concat(
      sizes.map((size, i) => {
        const header = Buffer.alloc(2);
        header.writeUInt16BE(size);
        return Buffer.concat([header, Buffer.alloc(size, i + 1)]);
      }),
    );
    for (let offset = 0; offset < frames.length; offset += 997) a.write(frames.subarray(offset, offset + 997));
    await all;
    expect(received.map((payload) => payload.length)).toEqual(sizes);
    expect(received.map((payload, i) => payload.every((byte) => byte === i + 1))).toEqual(sizes.map(() => true));
  });

  it('writes what readDatagrams reads, and drops a datagram too large or for a backed-up connection', async () => {
    const { a, b } = await pair();
    const writer = new DatagramWriter(a);
    
    const received: number[] = [];
    const two = new Promise<void>((resolve) =>
      readDatagrams(b, (payload) => {
        received.push(payload.length);
        if (received.length === 2) resolve();
      }),
    );
    expect(writer.write(Buffer.alloc(10))).toBe(true);
    expect(writer.write(Buffer.alloc(65_536))).toBe(false);
    expect(writer.write(Buffer.alloc(20))).toBe(true);
    await two;
    expect(received).toEqual([10, 20]);
    b.pause();
    let dropped = false;
    for (let i = 0; i < 10_000 && !dropped; i += 1) dropped = !writer.write(Buffer.alloc(60_000));
    expect(dropped).toBe(true);
  });
});
