// A test double at the store's boundary: the store as it is, with its stream reads counted,
// and its log scans, appends or its subscriptions' deliveries held back on demand (to reproduce what
// one node sees late: a start-up scan that takes long, a follower that lags).
import type { AllSubscription, EventStore, RecordedEvent } from '../../domain/ports/event-store.js';

export interface WatchedStore extends EventStore {
  /** How many times each stream was read so far. */
  readonly reads: Map<string, number>;
  /** Holds every readAll (the log scans) until the function returned is called. */
  holdScans(): () => void;
  /** Holds every event subscriptions would deliver until the function returned is called; none is lost. */
  holdDeliveries(): () => void;
  /** Holds every append until `open` is called; `reached` resolves once one waits. */
  holdAppends(): { readonly reached: Promise<void>; open(): void };
  /** Every stream read fails until the function returned is called. */
  failReads(): () => void;
  /** Ends every subscription open now with an error, as a store whose subscription fails. */
  breakSubscriptions(): void;
}

/** A gate: open until held; `passed` resolves once it is open again. */
class Gate {
  private held: Promise<void> | undefined;

  hold(): () => void {
    let open: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (open = resolve));
    this.held = held;
    return () => {
      if (this.held === held) this.held = undefined;
      open();
    };
  }

  passed(): Promise<void> {
    return this.held ?? Promise.resolve();
  }
}

export function watchedStore(store: EventStore): WatchedStore {
  const reads = new Map<string, number>();
  const scans = new Gate();
  const deliveries = new Gate();
  const appends = new Gate();
  let reachedAppend: () => void = () => undefined;
  const breakers = new Set<() => void>();
  let failingReads = false;
  return {
    reads,
    holdScans: () => scans.hold(),
    holdDeliveries: () => deliveries.hold(),
    breakSubscriptions: () => [...breakers].forEach((broken) => broken()),
    holdAppends() {
      const reached = new Promise<void>((resolve) => (reachedAppend = resolve));
      return { reached, open: appends.hold() };
    },
    async append(stream, events, expected) {
      reachedAppend();
      await appends.passed();
      return store.append(stream, events, expected);
    },
    failReads() {
      failingReads = true;
      return () => (failingReads = false);
    },
    async readStream(stream, options) {
      reads.set(stream, (reads.get(stream) ?? 0) + 1);
      if (failingReads) throw new Error('the store could not be read');
      return store.readStream(stream, options);
    },
    async readAll(options) {
      await scans.passed();
      return store.readAll(options);
    },
    headPosition: () => store.headPosition(),
    identity: () => store.identity(),
    close: () => store.close(),
    subscribeToAll(options) {
      const inner = store.subscribeToAll(options);
      let closed = false;
      let broken = false;
      let ended: () => void = () => undefined;
      const closing = new Promise<void>((resolve) => (ended = resolve));
      const breaker = (): void => {
        broken = true;
        ended();
        void inner.close();
      };
      breakers.add(breaker);
      const held: AllSubscription = {
        close: async () => {
          closed = true;
          breakers.delete(breaker);
          ended();
          await inner.close();
        },
        async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
          for await (const event of inner) {
            await Promise.race([deliveries.passed(), closing]);
            if (closed || broken) break;
            yield event;
          }
          breakers.delete(breaker);
          if (broken && !closed) throw new Error('the subscription broke');
        },
      };
      return held;
    },
  };
}
