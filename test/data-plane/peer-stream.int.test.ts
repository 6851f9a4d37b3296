// A node asking a peer for a stream waits for its answer on the injected clock: a peer that takes
// the request and never answers is given up once the bound has passed on that clock.
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPeerStream } from '../../data-plane/peer-stream.js';
import { ManualClock } from '../support/manual-clock.js';

const taken: Socket[] = [];
const silentPeer = createServer((socket) => {
  taken.push(socket);
  socket.on('error', () => undefined);
});

beforeAll(async () => {
  silentPeer.listen(0, '127.0.0.1');
  await once(silentPeer, 'listening');
});

afterAll(() => {
  taken.forEach((socket) => socket.destroy());
  silentPeer.close();
});

describe('a stream asked of a peer that never answers', () => {
  it('is refused unavailable once the bound has passed on the clock, not before', async () => {
    const clock = new ManualClock();
    const url = new URL(`http://127.0.0.1:${(silentPeer.address() as AddressInfo).port}/internal/device-streams`);
    let settled = false;
    const asked = requestPeerStream(url, { protocol: 'tether-device-stream', headers: {}, timeoutMs: 15_000, clock }).finally(() => {
      settled = true;
    });
    asked.catch(() => undefined);
    const [peerSide] = (await once(silentPeer, 'connection', { signal: AbortSignal.timeout(5000) })) as [Socket];
    await once(peerSide, 'data', { signal: AbortSignal.timeout(5000) });
    clock.advance(14_999);
    // Whatever the advance set off has run by the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    clock.advance(1);
    await expect(asked).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('no answer within 15000 ms') });
    // A bound far below the 15 s itself: only the clock's advance may have ended the wait.
  }, 5000);
});
