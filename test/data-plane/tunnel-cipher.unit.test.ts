import { createCipheriv, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Transform } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createClientCipherStreams,
  createTunnelCipherStreams,
  tunnelKeyFromHex,
  openDatagram,
  randomStreamIndex,
  readTunnelStreamHeader,
  sealDatagram,
} from '../../data-plane/tunnel-cipher.js';
import { maxStreamIndex } from '../../domain/tunnel/cipher-counters.js';
import { ReplayWindow } from '../../domain/tunnel/replay-window.js';

const keyHex = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const ivHex = 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff';
const link = tunnelKeyFromHex({ key: keyHex, initializationVector: ivHex });

// Computed here from the spec in docs/devicelink.md, independently of domain/tunnel/cipher-counters.ts.
const ivValue = BigInt(`0x${ivHex}`);
function counterAt(offset: bigint): Buffer {
  const value = (ivValue + offset) % (1n << 128n);
  return Buffer.from(value.toString(16).padStart(32, '0'), 'hex');
}
const c2d = 0n;
const d2c = 1n << 127n;

function rawCtr(counter: Buffer, input: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-ctr', link.key, counter);
  return Buffer.concat([cipher.update(input), cipher.final()]);
}

/** AES-ECB of consecutive counter blocks: the keystream without trusting OpenSSL's counter increment. */
function ecbKeystream(first: bigint, blocks: number): Buffer {
  const ecb = createCipheriv('aes-256-ecb', link.key, null).setAutoPadding(false);
  const counters = Array.from({ length: blocks }, (_, i) => counterAt(first + BigInt(i)));
  return ecb.update(Buffer.concat(counters));
}

async function through(transform: Transform, chunks: readonly Buffer[]): Promise<Buffer> {
  const output: Buffer[] = [];
  transform.on('data', (chunk: Buffer) => output.push(chunk));
  const ended = new Promise((resolve) => transform.on('end', resolve));
  for (const chunk of chunks) transform.write(chunk);
  transform.end();
  await ended;
  return Buffer.concat(output);
}

function chunked(data: Buffer, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < data.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('link key', () => {
  it('refuses a key or IV of the wrong length or with non-hex digits, by field', () => {
    expect(() => tunnelKeyFromHex({ key: keyHex.slice(2), initializationVector: ivHex })).toThrow(
      expect.objectContaining({ code: 'validation_failed', message: 'encrypt.key must be 64 hex characters (32 bytes, AES-256)' }),
    );
    expect(() => tunnelKeyFromHex({ key: `${keyHex.slice(1)}z`, initializationVector: ivHex })).toThrow(expect.objectContaining({ details: ['encrypt.key'] }));
    expect(() => tunnelKeyFromHex({ key: keyHex, initializationVector: `${ivHex}00` })).toThrow(
      expect.objectContaining({ details: ['encrypt.initializationVector'] }),
    );
  });
});

describe('TCP stream keystreams', () => {
  const plain = randomBytes(10_000);

  it('match raw AES-256-CTR from the counter blocks of the spec (known answer)', async () => {
    for (const streamIndex of [0n, 1n, 0x1234_5678_9abcn, maxStreamIndex]) {
      const hub = createTunnelCipherStreams({ ...link, streamIndex });
      const fromClient = rawCtr(counterAt(c2d + (streamIndex << 64n)), plain);
      expect((await through(hub.decryptFromClient, [plain])).equals(fromClient)).toBe(true);
      const toClient = rawCtr(counterAt(d2c + (streamIndex << 64n)), plain);
      expect((await through(hub.encryptToClient, [plain])).equals(toClient)).toBe(true);
    }
  });

  it('never share a keystream between the directions or between streams', async () => {
    const zeros = Buffer.alloc(4096);
    const a = createTunnelCipherStreams({ ...link, streamIndex: 7n });
    const b = createTunnelCipherStreams({ ...link, streamIndex: 8n });
    const keystreams = await Promise.all([
      through(a.decryptFromClient, [zeros]),
      through(a.encryptToClient, [zeros]),
      through(b.decryptFromClient, [zeros]),
      through(b.encryptToClient, [zeros]),
    ]);
    const blocks = keystreams.flatMap((keystream) => chunked(keystream, [16]).map((block) => block.toString('hex')));
    expect(new Set(blocks).size).toBe(blocks.length);
  });

  it('round-trip between client and hub whatever the chunking', async () => {
    const streamIndex = randomStreamIndex();
    const client = createClientCipherStreams({ ...link, streamIndex });
    const hub = createTunnelCipherStreams({ ...link, streamIndex });
    const wire = await through(client.encryptToHub, chunked(plain, [1, 15, 16, 17, 1000]));
    expect(wire.equals(plain)).toBe(false);
    expect((await through(hub.decryptFromClient, chunked(wire, [3, 4093]))).equals(plain)).toBe(true);
    const back = await through(hub.encryptToClient, chunked(plain, [33]));
    expect((await through(client.decryptFromHub, [back])).equals(plain)).toBe(true);
    expect(client.header).toEqual(Buffer.from(streamIndex.toString(16).padStart(16, '0'), 'hex'));
  });

  it('carry across 64-bit and 128-bit boundaries as the spec says (AES-ECB of the counters)', async () => {
    const cases = [
      // Low half all ones: the second block carries into the high half.
      { iv: '0000000000000000ffffffffffffffff', direction: 'client-to-device', blocks: ['0000000000000000ffffffffffffffff', '00000000000000010000000000000000'] },
      // Top bit flipped for device→client makes the start 2^128-2: the keystream wraps to 0.
      { iv: '7ffffffffffffffffffffffffffffffe', direction: 'device-to-client', blocks: ['fffffffffffffffffffffffffffffffe', 'ffffffffffffffffffffffffffffffff', '00000000000000000000000000000000'] },
    ] as const;
    for (const { iv, direction, blocks } of cases) {
      const key = { key: link.key, iv: Buffer.from(iv, 'hex') };
      const ecb = createCipheriv('aes-256-ecb', link.key, null).setAutoPadding(false);
      const expected = ecb.update(Buffer.concat(blocks.map((block) => Buffer.from(block, 'hex'))));
      const hub = createTunnelCipherStreams({ ...key, streamIndex: 0n });
      const zeros = Buffer.alloc(blocks.length * 16);
      const transform = direction === 'client-to-device' ? hub.decryptFromClient : hub.encryptToClient;
      expect(await through(transform, [zeros])).toEqual(expected);
    }
  });

  it('agree with AES-ECB of the spec counters for a stream far into the counter space', async () => {
    const streamIndex = 0x0123_4567_89ab_cdefn;
    const hub = createTunnelCipherStreams({ ...link, streamIndex });
    expect(await through(hub.encryptToClient, [Buffer.alloc(64)])).toEqual(ecbKeystream(d2c + (streamIndex << 64n), 4));
  });
});

describe('the test vector of docs/devicelink.md', () => {
  const vectorLink = tunnelKeyFromHex({ key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', initializationVector: ivHex });

  it('holds for TCP streams 0 and 1, both directions', async () => {
    const expected = [
      ['9200cd8d239680cb5a69e65440326314', 'eed4726888da34f5a858a3f1102349c8'],
      ['6fbe11dfe1968f15066e7c951ec8cd92', '6bd8831d2a55ffab1d8e3a37da36fbb8'],
    ];
    for (const streamIndex of [0n, 1n]) {
      const hub = createTunnelCipherStreams({ ...vectorLink, streamIndex });
      const keystreams = [await through(hub.decryptFromClient, [Buffer.alloc(16)]), await through(hub.encryptToClient, [Buffer.alloc(16)])];
      expect(keystreams.map((keystream) => keystream.toString('hex'))).toEqual(expected[Number(streamIndex)]);
    }
  });

  it('holds for UDP datagram 1, both directions', () => {
    expect(sealDatagram(vectorLink, 'client-to-device', 1n, Buffer.from('hello')).toString('hex')).toBe('00000000000000012c41fccf3b');
    expect(sealDatagram(vectorLink, 'device-to-client', 1n, Buffer.from('hello')).toString('hex')).toBe('000000000000000194c668c8c0');
  });
});

describe('stream header', () => {
  it('reads the stream index and leaves the bytes after it in the stream', async () => {
    const client = createClientCipherStreams({ ...link, streamIndex: 42n });
    const socket = new PassThrough();
    socket.write(Buffer.concat([client.header.subarray(0, 3)]));
    const index = readTunnelStreamHeader(socket);
    socket.write(Buffer.concat([client.header.subarray(3), Buffer.from('rest')]));
    expect(await index).toBe(42n);
    socket.end();
    const rest: Buffer[] = [];
    for await (const chunk of socket) rest.push(chunk as Buffer);
    expect(Buffer.concat(rest).toString()).toBe('rest');
  });

  it('rejects a stream that ends before its header, and an index with the top bit set', async () => {
    const short = new PassThrough();
    const index = readTunnelStreamHeader(short);
    short.end(Buffer.from([0, 0, 0]));
    await expect(index).rejects.toMatchObject({ code: 'validation_failed' });
    const topBit = new PassThrough();
    topBit.end(Buffer.from('8000000000000000', 'hex'));
    await expect(readTunnelStreamHeader(topBit)).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('UDP datagrams', () => {
  it('are the sequence number and raw AES-256-CTR from the datagram counter (known answer)', () => {
    const payload = randomBytes(1000);
    for (const [sequence, direction, offset] of [
      [0n, 'client-to-device', c2d],
      [5n, 'device-to-client', d2c],
      [(1n << 64n) - 1n, 'client-to-device', c2d],
    ] as const) {
      const sealed = sealDatagram(link, direction, sequence, payload);
      expect(sealed.readBigUInt64BE(0)).toBe(sequence);
      expect(sealed.subarray(8)).toEqual(rawCtr(counterAt(offset + (sequence << 32n)), payload));
    }
  });

  it('open in any order and despite losses, and a replay window drops repeats', () => {
    const datagrams = Array.from({ length: 20 }, (_, n) => ({ n: BigInt(n), payload: randomBytes(1 + n * 50) }));
    const sealed = datagrams.map(({ n, payload }) => sealDatagram(link, 'client-to-device', n, payload));
    const order = [3, 0, 19, 7, 8, 2, 11, 3, 19, 5];
    const window = new ReplayWindow();
    const accepted: number[] = [];
    for (const i of order) {
      const datagram = sealed[i];
      if (datagram === undefined) throw new Error('no such datagram');
      const opened = openDatagram(link, 'client-to-device', datagram);
      expect(opened.payload).toEqual(datagrams[i]?.payload);
      if (window.accept(opened.sequence)) accepted.push(Number(opened.sequence));
    }
    expect(accepted).toEqual([3, 0, 19, 7, 8, 2, 11, 5]);
  });

  it('use different keystreams for the two directions and for each sequence number', () => {
    const zeros = Buffer.alloc(64);
    const keystreams = [
      sealDatagram(link, 'client-to-device', 1n, zeros).subarray(8),
      sealDatagram(link, 'device-to-client', 1n, zeros).subarray(8),
      sealDatagram(link, 'client-to-device', 2n, zeros).subarray(8),
    ].map((keystream) => keystream.toString('hex'));
    expect(new Set(keystreams).size).toBe(3);
    expect(openDatagram(link, 'device-to-client', sealDatagram(link, 'client-to-device', 1n, Buffer.from('x'))).payload.toString()).not.toBe('x');
  });

  it('refuse a payload that would not fit a UDP datagram, and a datagram too short to hold its sequence', () => {
    expect(sealDatagram(link, 'client-to-device', 0n, Buffer.alloc(65_499))).toHaveLength(65_507);
    expect(() => sealDatagram(link, 'client-to-device', 0n, Buffer.alloc(65_500))).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    expect(() => openDatagram(link, 'client-to-device', Buffer.alloc(7))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(openDatagram(link, 'client-to-device', sealDatagram(link, 'client-to-device', 9n, Buffer.alloc(0))).payload).toHaveLength(0);
  });
});
