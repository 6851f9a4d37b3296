// A relay carries the data plane: links placed on it have their port on the relay, the agent
// dials back to the relay (TCP raw, UDP datagrams length-prefixed), and the hub records every
// event. Real sockets end to end: a hub, an in-process agent, an in-process relay.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientCipherStreams, randomStreamIndex } from '../../data-plane/tunnel-cipher.js';
import type { RelayHandle } from '../../relay-server/relay.js';
import { ManualClock } from '../support/manual-clock.js';
import { startLinkedHub, tunnelIdOf, waitMs } from '../api/linked-hub.js';
import type { LinkedHub } from '../api/linked-hub.js';
import { startTestRelay } from './relay-fixture.js';

const joinSecret = 'relay-join-secret-for-tests';
let t: LinkedHub;
let relay: RelayHandle;
const cleanups: (() => unknown)[] = [];

async function echoServer(): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

async function udpEcho(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, peer) => socket.send(message, peer.port, peer.address));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  cleanups.push(() => socket.close());
  return socket.address().port;
}


beforeAll(async () => {
  t = await startLinkedHub({ relays: { localRelay: false, joinSecret } });
  relay = await startTestRelay(t.url, 'r1', { joinSecret });
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay.stop();
  await t.close();
});

describe('a TCP link on a relay', () => {
  it('opens its port on the relay, carries bytes intact both ways, and records them exactly', async () => {
    const devicePort = await echoServer();
    const { status, body } = await t.openLink({ protocol: 'tcp', devicePort });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ relay: 'r1', host: '127.0.0.1' });
    expect(body.port).toBeGreaterThanOrEqual(44000);

    const client = net.connect({ host: '127.0.0.1', port: body.port });
    const payload = randomBytes(8 * 1024 * 1024);
    const chunks: Buffer[] = [];
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(client, 'connect');
    client.end(payload);
    await once(client, 'end');
    const echoed = Buffer.concat(chunks);
    expect(createHash('sha256').update(echoed).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));

    // DELETE answers once the read model shows the end.
    expect(await t.deleteLink(body.token)).toBe(204);
    const session = await t.session(tunnelIdOf(body.token));
    expect(session).toMatchObject({ relay: 'r1', terminationCause: 'deleted', bytesToDevice: payload.length, bytesFromDevice: payload.length });
    expect(session.agentIP).toBe('127.0.0.1');
    // Not a byte crossed the hub.
    expect(t.hub.tunnels.relayedBytes()).toEqual({ bytesToDevice: 0, bytesFromDevice: 0 });
  });
});

describe('a UDP link on a relay', () => {
  it('echoes datagrams with their boundaries through the relay', async () => {
    const devicePort = await udpEcho();
    const { status, body } = await t.openLink({ protocol: 'udp', devicePort });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ relay: 'r1' });
    const client = dgram.createSocket('udp4');
    cleanups.push(() => client.close());
    const received: Buffer[] = [];
    const sizes = [1, 1000, 1400, 60_000];
    const all = new Promise<void>((resolve) => {
      client.on('message', (message) => {
        received.push(message);
        if (received.length === sizes.length) resolve();
      });
    });
    // The first datagram waits at the relay until the agent dialled back; the rest follow.
    for (const size of sizes) client.send(Buffer.alloc(size, size % 251), body.port, '127.0.0.1');
    await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error('echoes missing')), waitMs))]);
    expect(received.map((message) => message.length).sort((a, b) => a - b)).toEqual(sizes);

    expect(await t.deleteLink(body.token)).toBe(204);
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const session = await t.session(tunnelIdOf(body.token));
    expect(session).toMatchObject({ relay: 'r1', terminationCause: 'deleted', bytesToDevice: total, bytesFromDevice: total });
    expect(t.hub.tunnels.relayedBytes()).toEqual({ bytesToDevice: 0, bytesFromDevice: 0 });
  });
});

/** Resolves once the read models show session `id` closed. */
function sessionClosed(id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`session ${id} not closed within ${waitMs} ms`));
    }, waitMs);
    const stop = t.hub.readModels.onChange((change) => {
      const payload = change.payload as { id?: string; state?: string };
      if (change.name !== 'session.changed' || payload.id !== id || payload.state !== 'closed') return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

describe('an encrypted TCP link on a relay', () => {
  it('decrypts what the client sends and encrypts what returns, on the relay', async () => {
    const devicePort = await echoServer();
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const encrypt = { key: key.toString('hex'), initializationVector: iv.toString('hex') };
    const { status, body } = await t.openLink({ protocol: 'tcp', devicePort, encrypt });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ relay: 'r1' });
    const { header, encryptToHub, decryptFromHub } = createClientCipherStreams({ key, iv, streamIndex: randomStreamIndex() });
    const client = net.connect({ host: '127.0.0.1', port: body.port });
    await once(client, 'connect');
    client.write(header);
    encryptToHub.pipe(client);
    client.pipe(decryptFromHub);
    const clear = Buffer.from('a clear message through an encrypted relay link');
    const back: Buffer[] = [];
    const echoed = new Promise<void>((resolve) =>
      decryptFromHub.on('data', (chunk: Buffer) => {
        back.push(chunk);
        if (Buffer.concat(back).length >= clear.length) resolve();
      }),
    );
    encryptToHub.write(clear);
    await echoed;
    expect(Buffer.concat(back)).toEqual(clear);
    client.destroy();
    expect(await t.deleteLink(body.token)).toBe(204);
    expect(await t.session(tunnelIdOf(body.token))).toMatchObject({ encrypted: true, bytesToDevice: clear.length, bytesFromDevice: clear.length });
  });
});

describe('a relay link that ends on its own', () => {
  it("closes an idle UDP link by the relay's clock, recorded as idle-timeout", async () => {
    const clock = new ManualClock();
    const idle = await startTestRelay(t.url, 'idle', { joinSecret, clock, linkPorts: { from: 46000, to: 46999 } });
    cleanups.push(() => idle.stop());
    const devicePort = await udpEcho();
    const { status, body } = await t.openLink({ protocol: 'udp', devicePort, timeout: 30_000, relay: 'idle' });
    expect(status, JSON.stringify(body)).toBe(201);
    const ended = sessionClosed(tunnelIdOf(body.token));
    clock.advance(29_999);
    expect((await t.session(tunnelIdOf(body.token))).state).toBe('open');
    clock.advance(1);
    await ended;
    expect(await t.session(tunnelIdOf(body.token))).toMatchObject({ terminationCause: 'idle-timeout', relay: 'idle' });
    expect(idle.links.size).toBe(0);
  });

  it('ends with cause device-offline when the agent goes, and the relay lets the port go', async () => {
    const devicePort = await echoServer();
    const { body } = await t.openLink({ protocol: 'tcp', devicePort, relay: 'r1' });
    const ended = sessionClosed(tunnelIdOf(body.token));
    const before = relay.links.size;
    await t.agent.stop();
    await ended;
    expect(await t.session(tunnelIdOf(body.token))).toMatchObject({ terminationCause: 'device-offline', relay: 'r1' });
    expect(relay.links.size).toBe(before - 1);
    const refused = net.connect({ host: '127.0.0.1', port: body.port });
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});
