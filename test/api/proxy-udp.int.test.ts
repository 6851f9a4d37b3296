// A UDP proxy: each client (address and port) is a flow and a session, datagram boundaries
// kept both ways; a flow idle for the profile's timeout ends (idle-timeout, by the injected
// clock) with exactly the bytes that crossed.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../e2e/tether-process.js';
import { closedSessions, portOutside, sessionsWhere } from './forward-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const linkPorts = { from: 41000, to: 41999 };
let hub: TestHub;
let admin: string;
let echo: UdpSocket;
let echoPort: number;
const sockets: UdpSocket[] = [];

async function client(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

/** Sends each datagram and waits for its echo. */
async function roundTrips(socket: UdpSocket, port: number, datagrams: readonly Buffer[]): Promise<Buffer[]> {
  const answers: Buffer[] = [];
  for (const datagram of datagrams) {
    const answer = once(socket, 'message') as Promise<[Buffer]>;
    socket.send(datagram, port, '127.0.0.1');
    answers.push((await answer)[0]);
  }
  return answers;
}

beforeAll(async () => {
  echo = createSocket('udp4');
  echo.on('message', (datagram, peer) => echo.send(Buffer.concat([Buffer.from('echo:'), datagram]), peer.port, peer.address));
  echo.bind(0, '127.0.0.1');
  await once(echo, 'listening');
  echoPort = (echo.address() as AddressInfo).port;
  hub = await startTestHub({ deviceLink: { ports: linkPorts, bindAddress: '127.0.0.1' } });
  admin = await hub.adminToken();
});

afterAll(async () => {
  await hub.close();
  sockets.forEach((socket) => socket.close());
  echo.close();
});

describe('a UDP proxy', () => {
  it('carries each client as its own flow, boundaries kept, until it idles out with exact totals', async () => {
    const sourcePort = await portOutside(linkPorts);
    const created = await hub.call({
      method: 'POST',
      url: '/api/v1/proxies',
      token: admin,
      payload: { id: 'udp-echo', name: 'UDP echo', protocol: 'udp', sourcePort, timeout: 5000, target: { type: 'host', address: '127.0.0.1', port: echoPort } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const first = await client();
    const second = await client();
    const datagrams = [Buffer.alloc(1000, 1), Buffer.from('two'), Buffer.alloc(0)];
    const answers = await roundTrips(first, sourcePort, datagrams);
    expect(answers.map((answer) => answer.length)).toEqual([1005, 8, 5]);
    expect((await roundTrips(second, sourcePort, [Buffer.from('other')]))[0]?.toString()).toBe('echo:other');
    await eventually('two flows open', 5000, async () => ((await sessionsWhere(hub, admin, 'kind=proxy&state=open')).length === 2 ? true : undefined));

    hub.clock.advance(5000);
    const closed = await closedSessions(hub, admin, 'kind=proxy', (s) => s.proxyId === 'udp-echo', 2);
    const byClient = new Map(closed.map((session) => [session.clientIP === '127.0.0.1' ? session.bytesFromDevice : -1, session]));
    const firstSession = byClient.get(1018);
    expect(firstSession).toMatchObject({ protocol: 'udp', mode: 'udp', terminationCause: 'idle-timeout', bytesToDevice: 1003, bytesFromDevice: 1018, streams: 1 });
    expect(byClient.get(10)).toMatchObject({ terminationCause: 'idle-timeout', bytesToDevice: 5, bytesFromDevice: 10 });
  });
});
