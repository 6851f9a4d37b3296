// Bulk transfers through a TCP target: to the sink, from the source, and to the sink over many
// streams at once. Each checks the size at both ends (the sink's count, the bytes received).
import { encodeCount, pump, readCount, receiveAll } from './tunnel-protocol.js';
import type { TcpTarget } from './tunnel-tcp-target.js';

export interface Transfer {
  readonly bytes: number;
  readonly ms: number;
  /** Whether the far end saw exactly the bytes sent, on every stream. */
  readonly exact: boolean;
}

export const mibPerSecond = (transfer: Transfer): number => transfer.bytes / 2 ** 20 / (transfer.ms / 1000);

async function sendTo(sink: TcpTarget, bytes: number): Promise<boolean> {
  const socket = sink.dial();
  const reply = readCount(socket);
  // Awaited below; a failure while pumping must not also surface as an unhandled rejection.
  reply.catch(() => undefined);
  await pump(socket, bytes);
  socket.end();
  return (await reply) === bytes;
}

/** Client → server: `bytes` to the sink, until its count is back. */
export async function upload(sink: TcpTarget, bytes: number): Promise<Transfer> {
  const start = performance.now();
  const exact = await sendTo(sink, bytes);
  const ms = performance.now() - start;
  await sink.settled();
  return { bytes, ms, exact };
}

/** Server → client: `bytes` from the source, until it half-closes. */
export async function download(source: TcpTarget, bytes: number): Promise<Transfer> {
  const start = performance.now();
  const socket = source.dial();
  socket.write(encodeCount(bytes));
  const received = await receiveAll(socket);
  const ms = performance.now() - start;
  socket.end();
  await source.settled();
  return { bytes, ms, exact: received === bytes };
}

/** `bytes` to the sink split over `streams` connections opened at once; the time until the last count. */
export async function concurrentUpload(sink: TcpTarget, streams: number, bytes: number): Promise<Transfer> {
  const each = Math.floor(bytes / streams);
  const sizes = Array.from({ length: streams }, (_, i) => (i === 0 ? bytes - each * (streams - 1) : each));
  const start = performance.now();
  const results = await Promise.all(sizes.map((size) => sendTo(sink, size)));
  const ms = performance.now() - start;
  await sink.settled();
  return { bytes, ms, exact: results.every(Boolean) };
}
