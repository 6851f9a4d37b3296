// Latency through a TCP target to the echo server: small round trips one at a time on one
// connection, and the time from connecting to the first echoed byte of a new connection.
import type { Socket } from 'node:net';
import type { TcpTarget } from './tunnel-tcp-target.js';

const ascending = (a: number, b: number): number => a - b;

/** µs of each of `count` round trips of `size` bytes (sorted), after `warmup` unrecorded ones. */
export async function roundTrips(echo: TcpTarget, count: number, size: number, warmup: number): Promise<number[]> {
  const socket = echo.dial();
  const message = Buffer.alloc(size, 0x42);
  let awaited = 0;
  let closed = false;
  let pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const closedError = (): Error => new Error(`the echo connection closed during the round trips`);
  socket.on('data', (data: Buffer) => {
    awaited -= data.length;
    if (awaited <= 0) pending?.resolve();
  });
  socket.once('close', () => {
    closed = true;
    pending?.reject(closedError());
  });
  const samples: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    if (closed) throw closedError();
    awaited = size;
    const echoed = new Promise<void>((resolve, reject) => {
      pending = { resolve, reject };
    });
    const start = performance.now();
    socket.write(message);
    await echoed;
    if (i >= warmup) samples.push((performance.now() - start) * 1000);
  }
  pending = undefined;
  socket.end();
  await echo.settled();
  return samples.sort(ascending);
}

function firstData(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (): void => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      socket.off('data', onData);
      reject(new Error('a new echo connection closed before its first byte came back'));
    };
    socket.once('data', onData);
    socket.once('close', onClose);
  });
}

/** ms from dialing to the first echoed byte, for each of `count` connections opened one after another (sorted). */
export async function openTimes(echo: TcpTarget, count: number, warmup: number): Promise<number[]> {
  const samples: number[] = [];
  const probe = Buffer.of(0x21);
  for (let i = 0; i < warmup + count; i++) {
    const start = performance.now();
    const socket = echo.dial();
    socket.write(probe);
    await firstData(socket);
    if (i >= warmup) samples.push(performance.now() - start);
    socket.end();
  }
  await echo.settled();
  return samples.sort(ascending);
}
