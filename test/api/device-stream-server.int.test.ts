// The device-stream upgrade listener sits on the hub's public HTTP server, so it must survive any
// request line a client sends, refusing what it cannot read rather than throwing.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../actors/runtime/system-clock.js';
import { attachDeviceStreams } from '../../api/gateway/device-stream-server.js';
import { ForwardingKey, forwardingHeader } from '../../api/forwarding-marker.js';
import { DeviceDialer } from '../../data-plane/device-dialer.js';
import { quietLogger } from '../relay-server/relay-fixture.js';

const waitMs = 5000;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Sends `head` raw; `answer` is what came back once the server closed. */
async function rawRequest(port: number, head: string): Promise<{ readonly answer: Promise<string>; readonly drop: () => void }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  cleanups.push(() => socket.destroy());
  await once(socket, 'connect');
  socket.write(head);
  return { answer: once(socket, 'close', { signal: AbortSignal.timeout(waitMs) }).then(() => text), drop: () => socket.destroy() };
}

describe('the device-stream upgrade listener', () => {
  it('ignores a request line that is not a URL, and refuses a marked stream whose target is not one', async () => {
    const server = createServer((_request, response) => response.end('still here'));
    const key = new ForwardingKey('cluster-token-secret-0123456789-abcdefghijkl', 'node-b');
    const streams = attachDeviceStreams(server, { dialer: new DeviceDialer({ connectionOf: () => undefined }, quietLogger), key, clock: systemClock, logger: quietLogger });
    cleanups.push(() => streams.close());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    // An upgrade no listener takes stays open on the server's side (on the hub, socket.io ends it).
    const accepted = new Set<Socket>();
    server.on('connection', (socket: Socket) => accepted.add(socket));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.close(resolve);
          accepted.forEach((socket) => socket.destroy());
        }),
    );
    const { port } = server.address() as AddressInfo;
    const uncaught: unknown[] = [];
    const record = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', record);
    cleanups.push(() => process.off('uncaughtException', record));

    const upgrade = (target: string, marker?: string): string =>
      `GET ${target} HTTP/1.1\r\nHost: peer\r\nConnection: Upgrade\r\nUpgrade: tether-device-stream\r\n${marker === undefined ? '' : `${forwardingHeader}: ${marker}\r\n`}\r\n`;
    // Not this listener's path: left to the server's other upgrade listeners (none here).
    const unparsable = await rawRequest(port, upgrade('http://['));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('still here');
    unparsable.drop();
    const target = '/internal/device-streams?mac=[';
    const marked = await rawRequest(port, upgrade(target, key.sign({ method: 'GET', url: target, body: '', clientIp: '127.0.0.1' }, new Date(), 'node-b')));
    expect(await marked.answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(uncaught).toEqual([]);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('still here');
  });
});
