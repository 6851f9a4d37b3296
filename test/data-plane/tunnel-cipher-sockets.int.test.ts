// The scheme end to end over real sockets on 127.0.0.1: a client as `tether link open --encrypt`
// would be, a hub that reads the stream header and decrypts/encrypts, and an echo "device".
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientCipherStreams, createTunnelCipherStreams, tunnelKeyFromHex, randomStreamIndex, readTunnelStreamHeader } from '../../data-plane/tunnel-cipher.js';

const link = tunnelKeyFromHex({ key: randomBytes(32).toString('hex'), initializationVector: randomBytes(16).toString('hex') });
const servers: net.Server[] = [];
const usedIndexes = new Set<bigint>();
let hubPort = 0;

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const devicePort = await listen(net.createServer({ allowHalfOpen: true }, (socket) => void pipeline(socket, socket).catch(() => undefined)));
  const hub = net.createServer({ allowHalfOpen: true }, (client) => {
    void (async () => {
      const streamIndex = await readTunnelStreamHeader(client);
      // A repeated index would repeat both keystreams: refuse before a byte is decrypted or sent.
      if (usedIndexes.has(streamIndex)) return client.resetAndDestroy();
      usedIndexes.add(streamIndex);
      const { decryptFromClient, encryptToClient } = createTunnelCipherStreams({ ...link, streamIndex });
      const device = net.connect({ port: devicePort, host: '127.0.0.1', allowHalfOpen: true });
      await Promise.all([pipeline(client, decryptFromClient, device), pipeline(device, encryptToClient, client)]);
    })().catch(() => client.destroy());
  });
  hubPort = await listen(hub);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Sends `data` encrypted through the hub and returns what came back, decrypted. */
async function roundTrip(data: Buffer, streamIndex: bigint): Promise<Buffer> {
  const socket = net.connect({ port: hubPort, host: '127.0.0.1', allowHalfOpen: true });
  await once(socket, 'connect');
  const { header, encryptToHub, decryptFromHub } = createClientCipherStreams({ ...link, streamIndex });
  socket.write(header);
  const received: Buffer[] = [];
  decryptFromHub.on('data', (chunk: Buffer) => received.push(chunk));
  const sending = pipeline(
    (async function* () {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
    })(),
    encryptToHub,
    socket,
  );
  await Promise.all([sending, pipeline(socket, decryptFromHub)]);
  return Buffer.concat(received);
}

describe('an encrypted TCP link over real sockets', () => {
  it('carries 8 MB each way with matching SHA-256', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    expect(sha256(await roundTrip(data, randomStreamIndex()))).toBe(sha256(data));
  });

  it('keeps concurrent streams of one link apart by their indexes', async () => {
    const payloads = [randomBytes(300_000), randomBytes(500_000), randomBytes(1)];
    const echoed = await Promise.all(payloads.map((payload) => roundTrip(payload, randomStreamIndex())));
    echoed.forEach((back, i) => expect(back.equals(payloads[i] ?? Buffer.alloc(0))).toBe(true));
  });

  it('refuses a stream index already used on the link', async () => {
    const streamIndex = randomStreamIndex();
    expect((await roundTrip(Buffer.from('first'), streamIndex)).toString()).toBe('first');
    // Reset before anything came back: the client sees ECONNRESET, or at least no byte.
    const second = await roundTrip(Buffer.from('second'), streamIndex).catch(() => Buffer.alloc(0));
    expect(second).toHaveLength(0);
  });
});
