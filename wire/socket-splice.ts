// Joins two TCP connections into one stream, as the hub does between a client and a device's
// dial-back and the agent between its dial-back and the target. pipe() carries TCP's own flow
// control across (a slow reader slows the sender, nothing buffers without bound), a FIN becomes
// a FIN on the other side (both sockets allow half-open), and a reset becomes a reset.
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { KeptReadBuffer } from './kept-read-buffer.js';

export interface SpliceSide {
  /** The connection: its FIN, reset and errors are watched. */
  readonly socket: Socket;
  /** Bytes coming from this side (default: the socket), e.g. a decipher the socket feeds. */
  readonly input?: Readable;
  /** Bytes going to this side (default: the socket), e.g. a cipher piped into it. */
  readonly output?: Writable;
  /** The socket reads into this kept buffer (net.connect's `onread`), so its bytes come from here, not as stream data. */
  readonly reads?: KeptReadBuffer;
}

export type SpliceSideName = 'a' | 'b';

export interface SpliceResult {
  /** The side that ended (FIN) or reset first; undefined when abort() came first. */
  readonly first: SpliceSideName | undefined;
  /** A side reset or failed, or abort() was called. */
  readonly reset: boolean;
  readonly bytesAToB: number;
  readonly bytesBToA: number;
}

export interface Splice {
  /** Bytes read from each side so far (clear bytes, after its input transform). */
  readonly bytesAToB: number;
  readonly bytesBToA: number;
  /** Settles once both sockets are closed. */
  readonly ended: Promise<SpliceResult>;
  /** Resets both connections now. */
  abort(): void;
}

/** An RST rather than a FIN where the platform allows, so the peer learns the stream broke. */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // libuv refuses an RST once a FIN is queued, and then never closes the handle: such a socket is only closed.
  if (socket.writableEnded || socket.connecting) {
    socket.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export function splice(a: SpliceSide, b: SpliceSide): Splice {
  let first: SpliceSideName | undefined;
  let reset = false;
  let closed = 0;
  let settle: (result: SpliceResult) => void = () => undefined;
  const ended = new Promise<SpliceResult>((resolve) => {
    settle = resolve;
  });

  const abort = (): void => {
    reset = true;
    resetSocket(a.socket);
    resetSocket(b.socket);
  };

  // A socket counts what it reads itself; only a transform in between (a cipher) needs a listener of ours.
  const counter = (side: SpliceSide): (() => number) => {
    const { input, socket, reads } = side;
    // What the socket read before the splice (an HTTP upgrade, say) is not the stream's, unless it still waits in its buffer.
    const before = socket.bytesRead - (reads === undefined ? socket.readableLength : reads.heldBytes);
    if (input === undefined) return () => socket.bytesRead - before;
    let bytes = 0;
    input.on('data', (chunk: Buffer) => (bytes += chunk.length));
    return () => bytes;
  };
  const aToB = counter(a);
  const bToA = counter(b);
  const join = (from: SpliceSide, to: SpliceSide): void => {
    const output = to.output ?? to.socket;
    if (from.reads === undefined) {
      (from.input ?? from.socket).pipe(output);
      return;
    }
    // The chunk is a view into the kept buffer: the next read may only come once the write let go
    // of it, so a write that could not finish at once pauses the reading until it has.
    let paused = false;
    const resume = (): void => {
      if (!paused) return;
      paused = false;
      from.socket.resume();
    };
    from.socket.once('end', () => output.end());
    from.reads.takeWith(from.socket, (chunk) => {
      output.write(chunk, resume);
      if (output.writableLength === 0) return true;
      paused = true;
      return false;
    });
  };

  const watch = (side: SpliceSide, name: SpliceSideName, other: SpliceSide): void => {
    const broke = (): void => {
      reset = true;
      first ??= name;
      resetSocket(side.socket);
      resetSocket(other.socket);
    };
    side.socket.once('end', () => {
      first ??= name;
    });
    side.socket.on('error', broke);
    if (side.input !== undefined) side.input.on('error', broke);
    if (side.output !== undefined) side.output.on('error', broke);
    const onClose = (): void => {
      // Closed before both halves finished: a reset, or the process went away.
      if (!side.socket.readableEnded || !side.socket.writableFinished) broke();
      closed += 1;
      if (closed === 2) settle({ first, reset, bytesAToB: aToB(), bytesBToA: bToA() });
    };
    if (side.socket.destroyed) queueMicrotask(onClose);
    else side.socket.once('close', onClose);
  };

  watch(a, 'a', b);
  watch(b, 'b', a);
  join(a, b);
  join(b, a);
  return {
    get bytesAToB() {
      return aToB();
    },
    get bytesBToA() {
      return bToA();
    },
    ended,
    abort,
  };
}
