// Turns a $all subscription into batches: while catching up, events that arrive in the
// same turn of the event loop go into one batch (up to batchSize); a live event is handed
// on at the next turn, never held back waiting for company.
import type { AllSubscription, RecordedEvent } from '../domain/ports/event-store.js';

export interface BatchHandlers {
  batch(events: readonly RecordedEvent[]): void;
  /** The subscription failed, or ended without close(). */
  broken(error: unknown): void;
}

export class SubscriptionBatcher {
  private pending: RecordedEvent[] = [];
  private timer: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly subscription: AllSubscription,
    private readonly batchSize: number,
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

  private async pump(): Promise<void> {
    try {
      for await (const event of this.subscription) {
        if (this.closed) return;
        this.pending.push(event);
        if (this.pending.length >= this.batchSize) this.flush();
        else this.timer ??= setImmediate(() => this.flush());
        
      }
      if (!this.closed) this.handlers.broken(new Error('the $all subscription ended'));
    } catch (error) {
      if (!this.closed) this.handlers.broken(error);
    }
  }

  private flush(): void {
    const events = this.pending;
    this.dropPending();
    if (events.length > 0 && !this.closed) this.handlers.batch(events);
  }

  private dropPending(): void {
    if (this.timer !== undefined) clearImmediate(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
