// A subscription to $all over the EventStoreDB client: the port's events, in order, until it is
// closed or the server ends it.
import type { AllStreamSubscription } from '@eventstore/db-client';
import type { AllSubscription, EventFilter, RecordedEvent } from '../domain/ports/event-store.js';
import { translateError } from './eventstoredb-errors.js';
import { toUserEvent } from './eventstoredb-recorded-event.js';

/** Ends its iteration, without an error, once closed. */
export class EventStoreDbSubscription implements AllSubscription {
  /** Settles once the server confirmed the subscription, or it failed or was closed. */
  readonly established: Promise<void>;
  readonly #source: AllStreamSubscription;
  readonly #filter: EventFilter | undefined;
  readonly #onClose: () => void;
  readonly #onForeign: () => void;
  #closed = false;

  constructor(source: AllStreamSubscription, filter: EventFilter | undefined, onClose: () => void, onForeign: () => void) {
    this.#source = source;
    this.#filter = filter;
    this.#onClose = onClose;
    this.#onForeign = onForeign;
    // The client emits errors without destroying the stream: an error raised before anyone
    // iterates would be lost (or crash the process, unheard). Destroying keeps it for the reader.
    source.on('error', (error) => {
      if (!source.destroyed) source.destroy(error);
    });
    this.established = new Promise((resolve) => {
      const settle = (): void => {
        source.off('confirmation', settle).off('error', settle).off('close', settle);
        resolve();
      };
      source.on('confirmation', settle).on('error', settle).on('close', settle);
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      for await (const resolved of this.#source) {
        const event = toUserEvent(resolved, this.#filter, this.#onForeign);
        if (event !== undefined) yield event;
      }
    } catch (error) {
      // Destroying the source on close surfaces as a premature-close error: that is the end.
      if (this.#closed) return;
      throw translateError(error);
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
    try {
      await this.#source.unsubscribe();
    } catch {
      // The call never started (no connection): there is nothing to cancel.
    }
    this.#source.destroy();
  }
}
