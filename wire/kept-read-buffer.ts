// A connection's reads into one buffer it keeps (net.connect's `onread`) instead of a new one
// per read. Relaying bulk data, every 64 KiB read otherwise allocates outside the JS heap:
// in a process with a small heap (the agent) each 64 MiB of them forces a full garbage
// collection, and the memory given back after it is faulted in again page by page. Measured
// on the agent relaying 1 GiB: about 100,000 page faults per 512 MiB and 23 full collections.
// Only connections this process dials can read this way (a server's accepted sockets cannot).
import type { Socket } from 'node:net';

/** As large as libuv reads from a TCP socket at once. */
const keptReadBytes = 64 * 1024;

/**
 * Gets each chunk read, as a view into the kept buffer that is valid during the call only;
 * returns false to stop reading until the socket is resumed.
 */
export type ChunkTaker = (chunk: Buffer) => boolean;

export class KeptReadBuffer {
  private readonly buffer = Buffer.allocUnsafe(keptReadBytes);
  private taker: ChunkTaker | undefined;
  /** Bytes read while nobody took them (copied out of the buffer): the next taker gets them first. */
  private held: Buffer | undefined;
  /** Set once a socket reads through this (see `onread`). */
  private reading = false;

  /** net.connect's `onread` option: the socket created with it reads into this buffer. */
  onread(): { readonly buffer: Buffer; readonly callback: (bytes: number) => boolean } {
    this.reading = true;
    return { buffer: this.buffer, callback: (bytes) => this.arrived(bytes) };
  }

  /** True once `onread()` gave a socket its options. */
  get inUse(): boolean {
    return this.reading;
  }

  /** Bytes read and held for the next taker: they count as not read yet. */
  get heldBytes(): number {
    return this.held?.length ?? 0;
  }

  /** Hands the socket's bytes (the held ones first) to `take` from now on; the socket reads again unless `take` refused. */
  takeWith(socket: Socket, take: ChunkTaker): void {
    this.taker = take;
    const held = this.held;
    this.held = undefined;
    if (held !== undefined && !take(held)) return;
    socket.resume();
  }

  /** Nobody takes the bytes until the next `takeWith`: `rest` (bytes read past what the last taker wanted) is held for it. */
  hold(rest: Buffer): void {
    this.taker = undefined;
    if (rest.length > 0) this.held = Buffer.from(rest);
  }

  private arrived(bytes: number): boolean {
    const chunk = this.buffer.subarray(0, bytes);
    if (this.taker !== undefined) return this.taker(chunk);
    // Nobody to take it yet (the other side of a stream is still being dialled): kept, and the socket paused.
    this.held = this.held === undefined ? Buffer.from(chunk) : Buffer.concat([this.held, chunk]);
    return false;
  }
}
