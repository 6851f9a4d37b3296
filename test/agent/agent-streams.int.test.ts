import { createHash, randomBytes, randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentEvents, AgentHandle } from '../../agent/agent.js';
import { parseAllowRule } from '../../agent/allow-list.js';
import type { OpenStream } from '../../domain/gateway/stream-messages.js';
import { DatagramWriter, readDatagrams } from '../../wire/datagram-stream.js';
import { FakeHub } from './fake-hub.js';
import type { AgentConnection } from './fake-hub.js';

const waitMs = 5000;
const cleanups: (() => unknown)[] = [];
let lines: string[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  lines = [];
});

function next<K extends keyof AgentEvents>(handle: AgentHandle, event: K): Promise<AgentEvents[K]> {
  return once(handle.events, event, { signal: AbortSignal.timeout(waitMs) }) as Promise<AgentEvents[K]>;
}

const within = <T>(promise: Promise<T>, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${waitMs} ms`)), waitMs).unref())]);

/** A hub, an agent online with `allow`, and the agent's gateway connection. */
async function online(allow?: string[]): Promise<{ hub: FakeHub; agent: AgentHandle; connection: AgentConnection }> {
  const hub = await FakeHub.start();
  cleanups.push(() => hub.close());
  const agent = startAgent({
    hub: hub.url,
    mac: '00-11-22-AA-BB-CC',
    logger: (line) => lines.push(line),
    ...(allow === undefined ? {} : { allow: allow.map(parseAllowRule) }),
  });
  cleanups.push(() => agent.stop());
  const connection = await hub.nextConnection();
  await connection.next();
  connection.send({ type: 'welcome', state: 'unassigned' });
  return { hub, agent, connection };
}

async function tcpServer(onConnection: (socket: Socket) => void): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    // The agent resets target connections on purpose in several tests.
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server;
}

const portOf = (server: net.Server | dgram.Socket): number => (server.address() as AddressInfo).port;

function openStream(protocol: 'tcp' | 'udp', port: number, host = '127.0.0.1'): OpenStream {
  return { type: 'open-stream', streamId: randomUUID(), protocol, target: { host, port }, token: randomBytes(24).toString('base64url') };
}

/** Everything a socket sends until its FIN. */
function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return within(
    once(socket, 'end').then(() => Buffer.concat(chunks)),
    'end of stream',
  );
}

/** Resolves once the socket is closed, reset or not (events.once would reject on the reset's error). */
const closeOf = (socket: Socket): Promise<void> =>
  within(socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve())), 'close of a socket');

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('agent TCP streams', () => {
  it('connects the target, dials back with the token, and carries bytes both ways up to a half-close', async () => {
    // The target echoes, and after the hub's FIN still writes a trailer: only a half-close allows that.
    const target = await tcpServer((socket) => {
      socket.pipe(socket, { end: false });
      socket.on('end', () => socket.end('\ntrailer after FIN'));
    });
    const { hub, agent, connection } = await online();
    const open = openStream('tcp', portOf(target));
    const opened = next(agent, 'stream-opened');
    connection.send(open);

    const dial = await hub.nextDialBack();
    expect(dial.path).toBe(`/gateway/streams/${open.streamId}`);
    expect(dial.request.headers).toMatchObject({ authorization: `Bearer ${open.token}`, upgrade: 'tether-stream', connection: 'Upgrade' });
    // The first bytes travel in the same packet as the 101, so the agent must keep them.
    const first = Buffer.from('first bytes with the 101;');
    const raw = dial.accept(first);
    expect(await opened).toEqual([open.streamId, 'tcp']);

    const payload = randomBytes(4 * 1024 * 1024);
    const echoed = readAll(raw);
    const closed = next(agent, 'stream-closed');
    raw.end(payload);
    const received = await echoed;
    const expected = Buffer.concat([first, payload, Buffer.from('\ntrailer after FIN')]);
    expect(received.length).toBe(expected.length);
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(await closed).toEqual([open.streamId]);

    const log = lines.join('\n');
    expect(log).toContain(`stream ${open.streamId} (tcp to 127.0.0.1:${portOf(target)}) opened`);
    expect(log).toContain(`stream ${open.streamId} (tcp to 127.0.0.1:${portOf(target)}) closed: ended by the hub; ${expected.length} bytes from the device, ${first.length + payload.length} to it`);
    expect(log).not.toContain(open.token);
  });

  it('passes on the device side half-closing first, and the hub side may still write', async () => {
    let gotAfterFin: (data: string) => void = () => undefined;
    const afterFin = new Promise<string>((resolve) => (gotAfterFin = resolve));
    const target = await tcpServer((socket) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => gotAfterFin(text));
      socket.end('banner, then FIN');
    });
    const { hub, connection } = await online();
    connection.send(openStream('tcp', portOf(target)));
    const raw = (await hub.nextDialBack()).accept();
    expect((await readAll(raw)).toString()).toBe('banner, then FIN');
    raw.end('written after the device FIN');
    expect(await within(afterFin, 'bytes after FIN at the target')).toBe('written after the device FIN');
  });

  it('refuses a target outside --allow without connecting to it', async () => {
    let refusedConnections = 0;
    const refusedTarget = await tcpServer(() => (refusedConnections += 1));
    const allowedTarget = await tcpServer(() => undefined);
    const allowedPort = portOf(allowedTarget);
    const { hub, agent, connection } = await online([`127.0.0.1:${allowedPort}`, '[::1]:22']);
    const open = openStream('tcp', portOf(refusedTarget));
    const refused = next(agent, 'stream-refused');
    connection.send(open);
    expect(await connection.next()).toEqual({
      type: 'stream-refused',
      streamId: open.streamId,
      reason: 'target-not-allowed',
      message: `127.0.0.1:${portOf(refusedTarget)} is not allowed by --allow (allowed: 127.0.0.1:${allowedPort}, [::1]:22)`,
    });
    expect(await refused).toEqual([open.streamId, 'target-not-allowed']);

    // An allowed stream opened after it (named in another form of the allowed address) gets as far
    // as its dial-back; the refused target never saw a connection.
    const allowed = openStream('tcp', allowedPort, '::ffff:127.0.0.1');
    connection.send(allowed);
    expect((await hub.nextDialBack()).path).toBe(`/gateway/streams/${allowed.streamId}`);
    expect(refusedConnections).toBe(0);
    expect(lines).toContainEqual(expect.stringContaining(`stream ${open.streamId} (tcp to 127.0.0.1:${portOf(refusedTarget)}) refused: `));
  });

  it('refuses an unreachable target as connect-failed, without a dial-back', async () => {
    const port = await freePort();
    const { agent, connection } = await online();
    const open = openStream('tcp', port);
    const refused = next(agent, 'stream-refused');
    connection.send(open);
    const message = await connection.next();
    expect(message).toMatchObject({ type: 'stream-refused', streamId: open.streamId, reason: 'connect-failed' });
    expect(message).toHaveProperty('message', expect.stringContaining(`cannot connect to 127.0.0.1:${port}: connect ECONNREFUSED`));
    expect(await refused).toEqual([open.streamId, 'connect-failed']);
  });

  it('resets both sides on close-stream', async () => {
    const targetSide: Socket[] = [];
    const target = await tcpServer((socket) => targetSide.push(socket));
    const { hub, agent, connection } = await online();
    const open = openStream('tcp', portOf(target));
    connection.send(open);
    const raw = (await hub.nextDialBack()).accept();
    raw.write('hello');
    await next(agent, 'stream-opened');
    const device = targetSide[0];
    if (device === undefined) throw new Error('the target saw no connection');
    await within(once(device, 'data'), 'data at the target');
    // Reading, so that a reset is noticed.
    device.resume();
    raw.resume();

    const closed = next(agent, 'stream-closed');
    connection.send({ type: 'close-stream', streamId: open.streamId, cause: 'deleted' });
    expect(await closed).toEqual([open.streamId]);
    await Promise.all([closeOf(raw), closeOf(device)]);
    expect(lines).toContainEqual(expect.stringContaining(`stream ${open.streamId}: the hub closes it (deleted)`));
  });

  it('gives up the dial-back and the target on close-stream before the 101', async () => {
    const targetSide: Socket[] = [];
    const target = await tcpServer((socket) => targetSide.push(socket));
    const { hub, agent, connection } = await online();
    const open = openStream('tcp', portOf(target));
    connection.send(open);
    await hub.nextDialBack();
    const closed = next(agent, 'stream-closed');
    connection.send({ type: 'close-stream', streamId: open.streamId, cause: 'client-closed' });
    expect(await closed).toEqual([open.streamId]);
    const device = targetSide[0];
    if (device === undefined) throw new Error('the target saw no connection');
    device.resume();
    await closeOf(device);
    expect(lines).toContainEqual(expect.stringContaining(`stream ${open.streamId} (tcp to 127.0.0.1:${portOf(target)}) closed: closed during the dial-back`));
  });

  it('gives up on a stream whose dial-back the hub refuses, closing the target', async () => {
    const targetSide: Socket[] = [];
    const target = await tcpServer((socket) => targetSide.push(socket));
    const { hub, agent, connection } = await online();
    const open = openStream('tcp', portOf(target));
    connection.send(open);
    const closed = next(agent, 'stream-closed');
    (await hub.nextDialBack()).refuse(401, 'Unauthorized');
    expect(await closed).toEqual([open.streamId]);
    const device = targetSide[0];
    if (device === undefined) throw new Error('the target saw no connection');
    device.resume();
    await closeOf(device);
    expect(lines).toContainEqual(expect.stringContaining('the hub answered HTTP 401 Unauthorized'));
  });

  it('closes every stream when the gateway connection drops', async () => {
    const target = await tcpServer(() => undefined);
    const { hub, agent, connection } = await online();
    connection.send(openStream('tcp', portOf(target)));
    const raw = (await hub.nextDialBack()).accept();
    raw.resume();
    await next(agent, 'stream-opened');
    const closed = next(agent, 'stream-closed');
    connection.socket.terminate();
    await closed;
    await closeOf(raw);
    expect(lines).toContainEqual(expect.stringContaining('closing 1 stream(s): the gateway connection is gone'));
  });

  it('closes every stream when the agent stops', async () => {
    const target = await tcpServer(() => undefined);
    const { hub, agent, connection } = await online();
    connection.send(openStream('tcp', portOf(target)));
    const raw = (await hub.nextDialBack()).accept();
    raw.resume();
    await next(agent, 'stream-opened');
    const closed = next(agent, 'stream-closed');
    await agent.stop();
    await closed;
    await closeOf(raw);
  });
});

describe('agent UDP streams', () => {
  async function echoServer(): Promise<dgram.Socket> {
    const server = dgram.createSocket('udp4');
    server.on('message', (message, peer) => server.send(message, peer.port, peer.address));
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return server;
  }

  /** The datagrams a stream's dial-back carries, taken one at a time. */
  function datagramsOf(socket: Socket): () => Promise<Buffer> {
    const arrived: Buffer[] = [];
    const waiting: ((payload: Buffer) => void)[] = [];
    readDatagrams(socket, (payload) => {
      const copy = Buffer.from(payload);
      const taker = waiting.shift();
      if (taker) taker(copy);
      else arrived.push(copy);
    });
    return () => {
      const first = arrived.shift();
      return first !== undefined ? Promise.resolve(first) : within(new Promise((resolve) => waiting.push(resolve)), 'datagram from the agent');
    };
  }

  it('dials back with the token, then carries datagrams both ways on it length-prefixed, boundaries kept, until close-stream', async () => {
    const server = await echoServer();
    const { hub, agent, connection } = await online();
    const open = openStream('udp', portOf(server));
    const opened = next(agent, 'stream-opened');
    connection.send(open);
    const dial = await hub.nextDialBack();
    expect(dial.path).toBe(`/gateway/streams/${open.streamId}`);
    expect(dial.request.headers).toMatchObject({ authorization: `Bearer ${open.token}`, upgrade: 'tether-stream' });
    // The first datagram travels in the same packet as the 101, so the agent must keep it.
    const first = Buffer.from('with the 101');
    const raw = dial.accept(Buffer.concat([Buffer.from([0, first.length]), first]));
    const nextDatagram = datagramsOf(raw);
    const toAgent = new DatagramWriter(raw);
    expect(await connection.next()).toEqual({ type: 'stream-opened', streamId: open.streamId });
    expect(await opened).toEqual([open.streamId, 'udp']);
    expect((await nextDatagram()).equals(first)).toBe(true);

    const largestOverIPv4 = 65_507;
    const payloads = [Buffer.from('one'), Buffer.alloc(0), randomBytes(1000), randomBytes(largestOverIPv4), Buffer.from('last')];
    for (const payload of payloads) {
      expect(toAgent.write(payload)).toBe(true);
      expect((await nextDatagram()).equals(payload)).toBe(true);
    }

    const closed = next(agent, 'stream-closed');
    connection.send({ type: 'close-stream', streamId: open.streamId, cause: 'idle-timeout' });
    expect(await closed).toEqual([open.streamId]);
    expect(lines).toContainEqual(expect.stringContaining(`closed: closed by the hub; ${payloads.length + 1} datagrams from the device, ${payloads.length + 1} to it`));
    await closeOf(raw);
  });

  it('refuses the stream as connect-failed when the hub refuses its dial-back, closing the socket', async () => {
    const server = await echoServer();
    const { hub, connection } = await online();
    const open = openStream('udp', portOf(server));
    connection.send(open);
    (await hub.nextDialBack()).refuse(401, 'Unauthorized');
    expect(await connection.next()).toMatchObject({ type: 'stream-refused', streamId: open.streamId, reason: 'connect-failed' });
  });

  it('reports a socket error as stream-closed with cause error', async () => {
    const port = await freePort();
    const { hub, agent, connection } = await online();
    const open = openStream('udp', port);
    connection.send(open);
    const raw = (await hub.nextDialBack()).accept();
    expect(await connection.next()).toEqual({ type: 'stream-opened', streamId: open.streamId });
    const closed = next(agent, 'stream-closed');
    // Nobody listens there: the ICMP port-unreachable fails the connected socket.
    new DatagramWriter(raw).write(Buffer.from('anyone?'));
    expect(await connection.next()).toEqual({ type: 'stream-closed', streamId: open.streamId, cause: 'error' });
    expect(await closed).toEqual([open.streamId]);
  });

  it('refuses a UDP target outside --allow', async () => {
    const { connection } = await online();
    const open = openStream('udp', 53, '10.0.0.53');
    connection.send(open);
    expect(await connection.next()).toEqual({
      type: 'stream-refused',
      streamId: open.streamId,
      reason: 'target-not-allowed',
      message: '10.0.0.53:53 is not allowed by --allow (allowed: 127.0.0.1:*)',
    });
  });
});
