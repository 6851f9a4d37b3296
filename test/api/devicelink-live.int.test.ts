// DeviceLinks through a listening hub and a real agent: bytes, HTTP, UDP, pinning, idle
// timeout, DELETE mid-transfer, and the session record's totals against what crossed.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLinkedHub, tunnelIdOf, waitMs } from './linked-hub.js';
import type { LinkedHub, SessionView } from './linked-hub.js';

let hub: LinkedHub;
const servers: { close(): unknown }[] = [];

beforeAll(async () => {
  hub = await startLinkedHub();
});

afterAll(async () => {
  servers.forEach((server) => server.close());
  await hub.close();
});

async function listening<T extends Server>(server: T): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A "device" service that echoes everything back and hashes what it received. */
async function echoServer(): Promise<{ port: number; received: () => Promise<{ bytes: number; sha256: string }> }> {
  const results: Promise<{ bytes: number; sha256: string }>[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('error', () => undefined);
    results.push(
      new Promise((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
        });
        socket.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
        socket.on('close', () => resolve({ bytes, sha256: '' }));
      }),
    );
    socket.pipe(socket);
  });
  const port = await listening(server);
  return {
    port,
    received: async () => {
      const first = results[0];
      if (first === undefined) throw new Error('no connection reached the device');
      return first;
    },
  };
}

function connectTo(port: number, localAddress?: string, localPort?: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}), ...(localPort ? { localPort } : {}), allowHalfOpen: true });
    socket.once('connect', () => {
      // A refused client is reset: the test looks at 'close', not at the error.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves when the socket is closed, reset or not (events.once would reject on the reset's error). */
function closeOf(socket: Socket, name = 'the socket'): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} stayed open`)), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves once the hub's read models show the link as `wanted` says: checked after every published change. */
async function sessionOnce(tunnelId: string, what: string, wanted: (session: SessionView) => boolean): Promise<SessionView> {
  const read = async (): Promise<SessionView | undefined> => {
    const session = await hub.session(tunnelId);
    return wanted(session) ? session : undefined;
  };
  const changed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`session ${tunnelId} not ${what} after ${waitMs} ms`)), waitMs);
    const stop = hub.hub.readModels.onChange(() => {
      void read().then((session) => {
        if (session === undefined) return;
        clearTimeout(timer);
        stop();
        resolve();
      });
    });
  });
  const now = await read();
  if (now !== undefined) return now;
  await changed;
  const session = await read();
  if (session === undefined) throw new Error(`session ${tunnelId} no longer ${what}`);
  return session;
}

const closedSession = (tunnelId: string): Promise<SessionView> => sessionOnce(tunnelId, 'closed', (session) => session.state === 'closed');

interface TimelineEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

async function timelineOf(token: string): Promise<TimelineEvent[]> {
  const response = await hub.call({ method: 'GET', url: `/api/v1/sessions/${tunnelIdOf(token)}/timeline`, token: hub.admin });
  expect(response.statusCode, response.body).toBe(200);
  return (JSON.parse(response.body) as { events: TimelineEvent[] }).events;
}

describe('a TCP DeviceLink', () => {
  it('carries 50 MB each way intact and records exactly those bytes', async () => {
    const device = await echoServer();
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: device.port });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.devicePort).toBe(device.port);

    const payload = randomBytes(50 * 1024 * 1024);
    const sentHash = createHash('sha256').update(payload).digest('hex');
    const client = await connectTo(opened.body.port);
    const echoed = createHash('sha256');
    let echoedBytes = 0;
    client.on('data', (chunk: Buffer) => {
      echoed.update(chunk);
      echoedBytes += chunk.length;
    });
    const clientDone = once(client, 'end', { signal: AbortSignal.timeout(60_000) });
    client.end(payload);
    await clientDone;
    expect(await device.received()).toEqual({ bytes: payload.length, sha256: sentHash });
    expect(echoedBytes).toBe(payload.length);
    expect(echoed.digest('hex')).toBe(sentHash);

    expect(await hub.deleteLink(opened.body.token)).toBe(204);
    const session = await closedSession(tunnelIdOf(opened.body.token));
    expect(session).toMatchObject({
      terminationCause: 'deleted',
      bytesToDevice: payload.length,
      bytesFromDevice: payload.length,
      bytesTransferred: 2 * payload.length,
    });
  });

  it('reaches an HTTP server on the device with a real HTTP client', async () => {
    const web = createHttpServer((request, response) => response.end(`hello from the device: ${request.url ?? ''}`));
    const port = await listening(web);
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: port });
    expect(opened.status).toBe(201);
    const response = await fetch(`http://127.0.0.1:${opened.body.port}/status`);
    expect(await response.text()).toBe('hello from the device: /status');
    expect(await hub.deleteLink(opened.body.token)).toBe(204);
  });

  it('is pinned to the host of its first client: another host is refused', async () => {
    const device = await echoServer();
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: device.port });
    const first = await connectTo(opened.body.port, '127.0.0.1');
    first.write('ping');
    await once(first, 'data', { signal: AbortSignal.timeout(waitMs) });
    const stranger = await connectTo(opened.body.port, '127.0.0.2');
    let received = 0;
    stranger.on('data', (chunk: Buffer) => (received += chunk.length));
    stranger.write('let me in');
    await closeOf(stranger);
    expect(received).toBe(0);
    first.destroy();
    expect(await hub.deleteLink(opened.body.token)).toBe(204);
  });

  it('with a source, admits only that host and port', async () => {
    const device = await echoServer();
    const probe = createServer();
    const sourcePort = await listening(probe);
    probe.close();
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: device.port, source: { host: '127.0.0.1', port: sourcePort } });
    expect(opened.status).toBe(201);
    const wrongPort = await connectTo(opened.body.port);
    await closeOf(wrongPort);
    const right = await connectTo(opened.body.port, '127.0.0.1', sourcePort);
    right.write('hi');
    const [echo] = (await once(right, 'data', { signal: AbortSignal.timeout(waitMs) })) as [Buffer];
    expect(echo.toString()).toBe('hi');
    right.destroy();
    expect(await hub.deleteLink(opened.body.token)).toBe(204);
  });

  it('DELETE in mid-transfer ends both sides, with cause deleted', async () => {
    let deviceSide: Socket | undefined;
    const sink = createServer((socket) => {
      deviceSide = socket;
      socket.on('error', () => undefined);
      socket.resume();
    });
    const port = await listening(sink);
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: port });
    const client = await connectTo(opened.body.port);
    client.on('error', () => undefined);
    const chunk = randomBytes(64 * 1024);
    const pump = (): void => {
      while (!client.destroyed && client.write(chunk));
    };
    client.on('drain', pump);
    pump();
    const clientClosed = closeOf(client, 'the client');
    // Wait until bytes flow through, then pull the plug.
    while (deviceSide === undefined || deviceSide.bytesRead < 1024 * 1024) await new Promise((resolve) => setImmediate(resolve));
    const deviceClosed = closeOf(deviceSide, 'the device side');
    expect(await hub.deleteLink(opened.body.token)).toBe(204);
    await Promise.all([clientClosed, deviceClosed]);
    const session = await closedSession(tunnelIdOf(opened.body.token));
    expect(session.terminationCause).toBe('deleted');
    expect(session.bytesToDevice).toBeGreaterThanOrEqual(deviceSide.bytesRead);
    expect(await hub.deleteLink(opened.body.token)).toBe(404);
  });

  it('a target the agent does not allow ends the stream as target-refused', async () => {
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: 1 });
    expect(opened.status).toBe(201);
    const client = await connectTo(opened.body.port);
    await closeOf(client);
    await hub.hub.readModels.waitFor(await hub.head(), waitMs);
    const closed = (await timelineOf(opened.body.token)).find((event) => event.type === 'TunnelStreamClosed');
    expect(closed?.data).toMatchObject({ cause: 'target-refused', reachedDevice: false, bytesToDevice: 0, bytesFromDevice: 0 });
    expect(await hub.deleteLink(opened.body.token)).toBe(204);
  });

  it('records a stream as its open (client and device address) and its close (the device reached, the bytes)', async () => {
    const device = await echoServer();
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: device.port });
    expect(opened.status).toBe(201);
    const client = await connectTo(opened.body.port);
    const echoed = once(client, 'data');
    client.write('ping');
    expect(String(await echoed)).toBe('ping');
    client.end();
    await closeOf(client);
    const tunnelId = tunnelIdOf(opened.body.token);
    await sessionOnce(tunnelId, 'without live streams', (session) => session.streams === 1 && session.liveStreams === 0);
    const events = await timelineOf(opened.body.token);
    expect(events.map((event) => event.type)).toEqual(['TunnelOpened', 'TunnelClientAttached', 'TunnelStreamClosed']);
    expect(events[1]?.data).toMatchObject({ clientHost: '127.0.0.1', agentIP: '127.0.0.1', pinned: true });
    expect(events[2]?.data).toMatchObject({ reachedDevice: true, bytesToDevice: 4, bytesFromDevice: 4 });
    expect(await hub.session(tunnelId)).toMatchObject({ agentIP: '127.0.0.1', bytesToDevice: 4, bytesFromDevice: 4 });
    expect(await hub.deleteLink(opened.body.token)).toBe(204);
  });
});

describe('a UDP DeviceLink', () => {
  async function udpEcho(): Promise<{ socket: UdpSocket; port: number }> {
    const socket = createSocket('udp4');
    socket.on('message', (message, peer) => socket.send(message, peer.port, peer.address));
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    servers.push(socket);
    return { socket, port: socket.address().port };
  }

  it('echoes datagrams with their boundaries, and counts their bytes', async () => {
    const device = await udpEcho();
    const opened = await hub.openLink({ protocol: 'udp', devicePort: device.port });
    expect(opened.status).toBe(201);
    const client = createSocket('udp4');
    servers.push(client);
    const replies: Buffer[] = [];
    const sizes = [1, 100, 1000, 1400];
    const allBack = new Promise<void>((resolve) =>
      client.on('message', (message) => {
        replies.push(message);
        if (replies.length === sizes.length) resolve();
      }),
    );
    for (const size of sizes) client.send(Buffer.alloc(size, size % 251), opened.body.port, '127.0.0.1');
    await Promise.race([allBack, new Promise((_, reject) => setTimeout(() => reject(new Error('datagrams lost')), waitMs))]);
    expect(replies.map((reply) => reply.length).sort((a, b) => a - b)).toEqual(sizes);
    expect(await hub.deleteLink(opened.body.token)).toBe(204);
    const session = await closedSession(tunnelIdOf(opened.body.token));
    const total = sizes.reduce((sum, size) => sum + size, 0);
    expect(session).toMatchObject({ terminationCause: 'deleted', bytesToDevice: total, bytesFromDevice: total });
  });

  it('closes after its idle timeout, on the injected clock', async () => {
    const device = await udpEcho();
    const opened = await hub.openLink({ protocol: 'udp', devicePort: device.port, timeout: 30_000 });
    expect(opened.body.timeout).toBe(30_000);
    hub.clock.advance(29_999);
    await hub.hub.readModels.waitFor(await hub.head(), waitMs);
    expect((await hub.session(tunnelIdOf(opened.body.token))).state).toBe('open');
    hub.clock.advance(1);
    const session = await closedSession(tunnelIdOf(opened.body.token));
    expect(session.terminationCause).toBe('idle-timeout');
  });
});
