// Turns a $all subscription into batches: events that arrive in the same turn of the event
// loop go into one batch (up to batchSize). A live batch follows the previous one by at least
// `spacingMs`, so that under a steady stream of small appends (a rollout, a reconnect storm) the
// read models commit a few times per spacing instead of once per append; after a quiet spell it
// goes at the next turn, and so does one a caller waits for (hurry()), so read-your-writes and
// an idle hub see no delay. Scheduling only, not domain time: it uses the process's own timers.
import type { AllSubscription, RecordedEvent } from '../domain/ports/event-store.js';

export interface BatchHandlers {
  batch(events: readonly RecordedEvent[]): void;
  /** The subscription failed, or ended without close(). */
  broken(error: unknown): void;
}

export interface BatchLimits {
  /** Most events in one batch. */
  readonly size: number;
  /** Least time from one live batch to the next unless hurried; 0 for the next turn always. */
  readonly spacingMs: number;
}

export class SubscriptionBatcher {
  private pending: RecordedEvent[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private timeout: NodeJS.Timeout | undefined;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly subscription: AllSubscription,
    private readonly limits: BatchLimits,
    private readonly handlers: BatchHandlers,
  ) {
    this.done = this.pump();
  }

  /** Stops delivering at once; events not yet handed on are dropped (they are not checkpointed). */
  async close(): Promise<void> {
    this.closed = true;
    this.dropPending();
    await this.subscription.close();
    await this.done;
  }

  /** Someone waits for the read models: what is pending, or arrives next, goes at the next turn. */
  hurry(): void {
    this.lastFlush = Number.NEGATIVE_INFINITY;
    if (this.timeout === undefined) return;
    clearTimeout(this.timeout);
    this.timeout = undefined;
    this.schedule();
  }

  private async pump(): Promise<void> {
    try {
      for await (const event of this.subscription) {
        if (this.closed) return;
        this.pending.push(event);
        if (this.pending.length >= this.limits.size) this.flush();
        else this.schedule();
      }
      if (!this.closed) this.handlers.broken(new Error('the $all subscription ended'));
    } catch (error) {
      if (!this.closed) this.handlers.broken(error);
    }
  }

  private schedule(): void {
    if (this.immediate !== undefined || this.timeout !== undefined) return;
    const wait = this.lastFlush + this.limits.spacingMs - performance.now();
    if (wait > 0) this.timeout = setTimeout(() => this.flush(), wait);
    else this.immediate = setImmediate(() => this.flush());
  }

  private flush(): void {
    const events = this.pending;
    this.dropPending();
    if (events.length === 0 || this.closed) return;
    this.lastFlush = performance.now();
    this.handlers.batch(events);
  }

  private dropPending(): void {
    clearImmediate(this.immediate);
    clearTimeout(this.timeout);
    this.immediate = undefined;
    this.timeout = undefined;
    this.pending = [];
  }
}
