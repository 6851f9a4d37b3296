// The streams (TCP and UDP) waiting for their device's dial-back. Each gets a fresh single-use token,
// sent to the agent in open-stream; only its hash is kept here, and the one connection that
// presents it becomes the device side of the stream.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { TetherError } from '../domain/errors.js';

const hashOf = (token: string): Buffer => createHash('sha256').update(token).digest();

interface Waiting {
  readonly tokenHash: Buffer;
  readonly resolve: (socket: Socket) => void;
  readonly reject: (error: TetherError) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ExpectedDialBack {
  /** Goes to the agent in open-stream. */
  readonly token: string;
  /** The device's connection, or a TetherError: refused, timed out, cancelled. */
  readonly socket: Promise<Socket>;
}

export class DialBacks {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly timeoutMs: number) {}

  expect(streamId: string): ExpectedDialBack {
    const token = randomBytes(24).toString('base64url');
    const socket = new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(streamId, new TetherError('unavailable', `the device did not dial back within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
      this.waiting.set(streamId, { tokenHash: hashOf(token), resolve, reject, timer });
    });
    return { token, socket };
  }

  /** The stream's device side arrived: true when the token is the one sent for this stream. */
  deliver(streamId: string, token: string, socket: Socket): boolean {
    const entry = this.waiting.get(streamId);
    if (entry === undefined || !timingSafeEqual(entry.tokenHash, hashOf(token))) return false;
    this.settle(streamId, entry);
    entry.resolve(socket);
    return true;
  }

  /** True when a dial-back for this stream is awaited and the token matches (checked before the 101 is sent). */
  awaits(streamId: string, token: string): boolean {
    const entry = this.waiting.get(streamId);
    return entry !== undefined && timingSafeEqual(entry.tokenHash, hashOf(token));
  }

  /** No dial-back will come: the agent refused, the client left, the link closed. */
  fail(streamId: string, error: TetherError): void {
    const entry = this.waiting.get(streamId);
    if (entry === undefined) return;
    this.settle(streamId, entry);
    entry.reject(error);
  }

  private settle(streamId: string, entry: Waiting): void {
    clearTimeout(entry.timer);
    this.waiting.delete(streamId);
  }
}
