// What the tunnel benchmark's client and its "device" servers say to each other, so that
// both ends of every transfer know its exact size: a sink answers how many bytes it received
// once the client half-closes; a source sends as many bytes as the client asked for, then
// half-closes. Both counts are 8-byte big-endian unsigned integers.
import type { Socket } from 'node:net';

export const countBytes = 8;

/** The servers of the "device" process, each on 127.0.0.1. */
export interface DevicePorts {
  readonly sink: number;
  readonly source: number;
  readonly echo: number;
  readonly udpEcho: number;
}

/** What a benchmark child process reports over IPC once it listens. */
export interface ListeningMessage<T> {
  readonly type: 'listening';
  readonly ports: T;
}

/** Relay and device UDP sockets raise their buffers: the default (208 KiB) drops bursts. */
export const udpBufferBytes = 4 * 1024 * 1024;

export function encodeCount(n: number): Buffer {
  const buffer = Buffer.alloc(countBytes);
  buffer.writeBigUInt64BE(BigInt(n));
  return buffer;
}

// Written again and again without copying: nothing ever changes it.
const chunk = Buffer.alloc(256 * 1024, 0x5a);

function closedError(socket: Socket, error: Error | undefined, what: string): Error {
  return error ?? new Error(`the connection to port ${socket.remotePort ?? '?'} closed before ${what}`);
}

/** Resolves once `socket` takes writes again; fails if it closes first. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const onError = (error: Error): void => {
      failure = error;
    };
    const finish = (): void => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const onDrain = (): void => {
      finish();
      resolve();
    };
    const onClose = (): void => {
      finish();
      reject(closedError(socket, failure, 'the transfer ended'));
    };
    socket.on('drain', onDrain);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}

/** Writes `total` bytes, waiting whenever the socket's buffer is full. */
export async function pump(socket: Socket, total: number): Promise<void> {
  let left = total;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    left -= n;
    if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) await drained(socket);
  }
}

/** The count in the first `countBytes` bytes `socket` receives; later bytes are ignored. */
export function readCount(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let have = 0;
    let failure: Error | undefined;
    const onError = (error: Error): void => {
      failure = error;
    };
    const finish = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const onData = (data: Buffer): void => {
      parts.push(data);
      have += data.length;
      if (have < countBytes) return;
      finish();
      resolve(Number(Buffer.concat(parts).readBigUInt64BE(0)));
    };
    const onClose = (): void => {
      finish();
      reject(closedError(socket, failure, 'its count arrived'));
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}

/** How many bytes `socket` receives until the other side half-closes. */
export function receiveAll(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let failure: Error | undefined;
    socket.on('data', (data: Buffer) => {
      received += data.length;
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.once('end', () => resolve(received));
    socket.once('close', () => reject(closedError(socket, failure, `it half-closed (${received} bytes received)`)));
  });
}
