import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { dataSocketPath, streamUpgradeProtocol } from '../../domain/gateway/stream-messages.js';
import { acceptStreamDialBack } from '../../wire/stream-dial-back.js';
import { makeTestCa } from '../support/test-ca.js';

const waitMs = 5000;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a stream dial-back on an https hub', () => {
  it("lets the hub go on writing after the device's FIN: one direction ends, not both", async () => {
    const ca = makeTestCa('dial-back');
    const streamId = randomUUID();
    const token = 'single-use';
    const server = createServer({ cert: ca.cert, key: ca.key });
    server.on('upgrade', (request, duplex, head: Buffer) =>
      acceptStreamDialBack(request, duplex, head, {
        awaitsDialBack: (id, given) => id === streamId && given === token,
        dialedBack: (_id, _token, socket: Socket) => {
          socket.on('error', () => undefined);
          socket.on('data', () => undefined);
          socket.on('end', () => socket.end('the hub answers after the device is done'));
        },
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;

    const device = tls.connect({ host: '127.0.0.1', port, ca: ca.ca, allowHalfOpen: true } as tls.ConnectionOptions);
    cleanups.push(() => device.destroy());
    await once(device, 'secureConnect', { signal: AbortSignal.timeout(waitMs) });
    device.write(`GET ${dataSocketPath(streamId)} HTTP/1.1\r\nHost: hub\r\nConnection: Upgrade\r\nUpgrade: ${streamUpgradeProtocol}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    let received = '';
    device.on('data', (chunk: Buffer) => (received += chunk.toString()));
    device.on('error', () => undefined);
    const ended = once(device, 'end', { signal: AbortSignal.timeout(waitMs) });
    await new Promise<void>((resolve) => device.once('data', () => resolve()));
    device.end();
    await ended;
    expect(received).toMatch(/^HTTP\/1\.1 101 /);
    expect(received.endsWith('the hub answers after the device is done')).toBe(true);
  });
});
