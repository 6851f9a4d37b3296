import { describe, expect, it } from 'vitest';
import type { AllSubscription, RecordedEvent } from '../../domain/ports/event-store.js';
import { keptPosition } from '../../domain/ports/event-store.js';
import { SubscriptionBatcher } from '../../projections/subscription-batcher.js';
import { event } from './projection-fixtures.js';

/** A subscription the test feeds by hand. */
function handFed(): { readonly subscription: AllSubscription; push(position: number): void } {
  const queued: RecordedEvent[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const subscription: AllSubscription = {
    async *[Symbol.asyncIterator]() {
      while (!closed) {
        const next = queued.shift();
        if (next !== undefined) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    close: async () => {
      closed = true;
      wake?.();
    },
  };
  return {
    subscription,
    push(position) {
      queued.push({ ...event('Thing'), stream: 'thing-1', revision: position, position: keptPosition(position) });
      wake?.();
    },
  };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

function batching(spacingMs: number) {
  const fed = handFed();
  const batches: number[][] = [];
  let nextBatch: (() => void) | undefined;
  const batcher = new SubscriptionBatcher(fed.subscription, { size: 100, spacingMs }, {
    batch: (events) => {
      batches.push(events.map((recorded) => recorded.position));
      nextBatch?.();
    },
    broken: (error) => {
      throw error;
    },
  });
  const batch = (): Promise<void> => new Promise((resolve) => (nextBatch = resolve));
  return { fed, batches, batcher, batch };
}

describe('SubscriptionBatcher', () => {
  it('hands a live event on at the next turn after a quiet spell, and the events of one turn together', async () => {
    const { fed, batches, batcher, batch } = batching(60_000);
    const first = batch();
    fed.push(0);
    fed.push(1);
    await first;
    expect(batches).toEqual([[0, 1]]);
    await batcher.close();
  });

  it('holds the next live batch back for the spacing, so a stream of appends commits seldom', async () => {
    const { fed, batches, batcher, batch } = batching(60_000);
    const first = batch();
    fed.push(0);
    await first;
    fed.push(1);
    fed.push(2);
    await turns(20);
    expect(batches).toEqual([[0]]);
    await batcher.close();
  });

  it('sends what is held back at the next turn when someone waits for it', async () => {
    const { fed, batches, batcher, batch } = batching(60_000);
    const first = batch();
    fed.push(0);
    await first;
    fed.push(1);
    await turns(5);
    const second = batch();
    batcher.hurry();
    await second;
    expect(batches).toEqual([[0], [1]]);
    await batcher.close();
  });

  it('sends an event that arrives after a hurry at the next turn', async () => {
    const { fed, batches, batcher, batch } = batching(60_000);
    const first = batch();
    fed.push(0);
    await first;
    batcher.hurry();
    const second = batch();
    fed.push(1);
    await second;
    expect(batches).toEqual([[0], [1]]);
    await batcher.close();
  });

  it('with no spacing, hands every turn its own batch', async () => {
    const { fed, batches, batcher, batch } = batching(0);
    for (const position of [0, 1, 2]) {
      const next = batch();
      fed.push(position);
      await next;
    }
    expect(batches).toEqual([[0], [1], [2]]);
    await batcher.close();
  });
});
