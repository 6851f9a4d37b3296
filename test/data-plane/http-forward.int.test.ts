// A browser connection's target connection is asked for that browser: with its address, and
// given up once it is gone (a stream through a device on another node stops being dialled).
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpForward } from '../../data-plane/http-forward.js';
import type { BrowserOrigin } from '../../data-plane/http-forward.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
let asked: (browser: BrowserOrigin) => void = () => undefined;
const firstAsk = new Promise<BrowserOrigin>((resolve) => {
  asked = resolve;
});
const forward = new HttpForward(
  {
    target: { host: '192.0.2.1', port: 80, secure: false },
    // Never reached: the browser leaves while the target is being dialled.
    connect: (browser) => {
      asked(browser);
      return new Promise((_, reject) => browser.signal.addEventListener('abort', () => reject(new Error('given up')), { once: true }));
    },
  },
  silent,
);
const front = createServer((client: Socket) => void forward.serve(client));

beforeAll(async () => {
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
});

afterAll(() => {
  front.close();
});

describe('a browser connection of an HTTP proxy', () => {
  it("asks for its target connection with the browser's address, and gives it up once the browser is gone", async () => {
    const browser = connect({ port: (front.address() as AddressInfo).port, host: '127.0.0.1' });
    browser.on('error', () => undefined);
    await once(browser, 'connect');
    browser.write('GET / HTTP/1.1\r\nHost: device\r\n\r\n');
    const timedOut = AbortSignal.timeout(5000);
    const dialling = await Promise.race([firstAsk, once(timedOut, 'abort').then(() => Promise.reject(new Error('the target connection was not asked for')))]);
    expect(dialling.clientIp).toBe('127.0.0.1');
    expect(dialling.signal.aborted).toBe(false);
    browser.destroy();
    await once(dialling.signal, 'abort', { signal: AbortSignal.timeout(5000) });
  });
});
