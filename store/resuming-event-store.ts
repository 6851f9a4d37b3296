// Subscriptions to $all that outlive the store going away for a while (a leader election, a
// rolling restart, a network blip): when one fails as `unavailable`, it subscribes again after
// the last event it delivered, so its reader sees no gap and no event twice. Any other failure
// still ends it, loudly.
import { isTetherError } from '../domain/errors.js';
import type { AllSubscription, EventStore, Position, RecordedEvent, SubscribeToAllOptions } from '../domain/ports/event-store.js';

export interface ResumeOptions {
  /** How long to wait before the n-th attempt in a row (0-based); default 100 ms doubling up to 5 s. */
  readonly delayMs?: (attempt: number) => number;
  /** Waits that long; tests pass one that does not. */
  readonly wait?: (ms: number) => Promise<void>;
  /** Hears each drop before the wait. */
  readonly onDrop?: (error: unknown, attempt: number) => void;
}

const defaultDelayMs = (attempt: number): number => Math.min(5000, 100 * 2 ** attempt);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The same store, whose subscriptions resume after an `unavailable` failure. */
export function resumingEventStore(store: EventStore, options: ResumeOptions = {}): EventStore {
  return {
    append: (stream, events, expected) => store.append(stream, events, expected),
    readStream: (stream, read) => store.readStream(stream, read),
    readAll: (read) => store.readAll(read),
    subscribeToAll: (subscribe) => new ResumingSubscription(store, subscribe ?? {}, options),
    headPosition: () => store.headPosition(),
    identity: () => store.identity(),
    close: () => store.close(),
  };
}

class ResumingSubscription implements AllSubscription {
  private current: AllSubscription | undefined;
  /** Where to resume: after the last event delivered, or where it was asked to start. */
  private after: Position | undefined;
  /**
   * For one from the end: the head when it was asked for, read before subscribing so that the
   * first subscription and every resumption start at the same place (no gap between them).
   */
  private readonly startHead: Promise<Position> | undefined;
  private closed = false;

  constructor(
    private readonly store: EventStore,
    private readonly options: SubscribeToAllOptions,
    private readonly resume: ResumeOptions,
  ) {
    if (options.after === 'end') {
      this.startHead = store.headPosition();
    } else {
      this.after = options.after;
      this.current = store.subscribeToAll(options);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    const { delayMs = defaultDelayMs, wait = sleep, onDrop } = this.resume;
    if (this.startHead !== undefined) this.after = await this.startHead;
    for (let attempt = 0; ; attempt += 1) {
      if (this.closed) return;
      this.current ??= this.subscribe();
      try {
        for await (const event of this.current) {
          attempt = 0;
          this.after = event.position;
          yield event;
        }
        return;
      } catch (error) {
        if (this.closed) return;
        if (!isTetherError(error, 'unavailable')) throw error;
        onDrop?.(error, attempt);
        this.current = undefined;
        await wait(delayMs(attempt));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.current?.close();
  }

  private subscribe(): AllSubscription {
    return this.store.subscribeToAll({ ...this.options, ...(this.after === undefined ? {} : { after: this.after }) });
  }
}
