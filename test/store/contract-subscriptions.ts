// The subscribeToAll part of the EventStore contract: catch-up then live, no gap, no
// duplicate, exclusive checkpoints, filters, and an end when closed.
import { describe, expect, it } from 'vitest';
import type { AllSubscription, EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import type { OpenedStore } from './contract.js';
import { inStreams, key, makeEvent, makeEvents, SubscriptionReader, uniqueCategory, uniqueId, uniqueStream } from './event-store-fixtures.js';

export function subscriptionContract(store: () => EventStore, open: () => Promise<OpenedStore>): void {
  describe('subscribeToAll', () => {
    const withSubscription = async (
      subscription: AllSubscription,
      body: (reader: SubscriptionReader) => Promise<void>,
    ): Promise<void> => {
      try {
        await body(new SubscriptionReader(subscription));
      } finally {
        await subscription.close();
      }
    };

    it('catches up, then goes live while several writers append: every event once, in position order', async () => {
      const category = uniqueCategory();
      const from = await store().headPosition();
      const history = [uniqueStream(category), uniqueStream(category)];
      for (const stream of history) await store().append(stream, makeEvents(15, 'Historic'), 'no_stream');
      const subscription = store().subscribeToAll({ after: from, filter: { streamPrefixes: [`${category}-`] } });
      await withSubscription(subscription, async (reader) => {
        const writers = Array.from({ length: 4 }, async () => {
          const stream = uniqueStream(category);
          for (let revision = 0; revision < 25; revision++) {
            await store().append(stream, [makeEvent('Live', { revision })], revision === 0 ? 'no_stream' : revision - 1);
          }
        });
        const shared = uniqueStream(category);
        const batches = (async () => {
          for (let batch = 0; batch < 10; batch++) await store().append(shared, makeEvents(5, 'Batched'), 'any');
        })();
        const total = 30 + 4 * 25 + 10 * 5;
        const [received] = await Promise.all([reader.take(total, () => true, 20_000), Promise.all([...writers, batches])]);
        received.slice(1).forEach((event, i) => expect(event.position).toBeGreaterThan(received[i]?.position ?? Infinity));
        expect(new Set(received.map(key)).size).toBe(total);
        const byStream = new Map<string, number[]>();
        for (const event of received) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event.revision]);
        for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => i));
        const stored = (await store().readAll({ after: from })).filter(inStreams(`${category}-`));
        expect(received.map(key)).toEqual(stored.map(key));
        const sentinel = uniqueStream(category);
        await store().append(sentinel, [makeEvent('Sentinel')], 'no_stream');
        const [next] = await reader.take(1);
        expect(next?.stream).toBe(sentinel);
      });
    });

    it('treats after as an exclusive checkpoint; start means everything, end only what comes next', async () => {
      const category = uniqueCategory();
      const stream = uniqueStream(category);
      await store().append(stream, makeEvents(3), 'no_stream');
      const events = await store().readStream(stream);
      const filter = { streamPrefixes: [`${category}-`] };
      await withSubscription(store().subscribeToAll({ after: events[0]?.position, filter }), async (reader) => {
        expect((await reader.take(2)).map(key)).toEqual(events.slice(1).map(key));
      });
      await withSubscription(store().subscribeToAll({ filter }), async (reader) => {
        expect((await reader.take(3)).map(key)).toEqual(events.map(key));
      });
      await withSubscription(store().subscribeToAll({ after: 'end', filter }), async (reader) => {
        await store().append(stream, [makeEvent('AfterEnd')], 2);
        const [next] = await reader.take(1);
        expect(next).toMatchObject({ stream, revision: 3, type: 'AfterEnd' });
      });
    });

    it('filters by stream prefix and by event type', async () => {
      const wanted = uniqueCategory();
      const other = uniqueCategory();
      const keptType = `Kept${uniqueId()}`;
      const from = await store().headPosition();
      const wantedStream = uniqueStream(wanted);
      const otherStream = uniqueStream(other);
      for (let i = 0; i < 3; i++) {
        await store().append(otherStream, [makeEvent(keptType, { i })], 'any');
        await store().append(wantedStream, [makeEvent('Dropped', { i }), makeEvent(keptType, { i })], 'any');
      }
      await store().append(wantedStream, [makeEvent('Sentinel')], 'any');
      const byPrefix = store().subscribeToAll({ after: from, filter: { streamPrefixes: [`${wanted}-`] } });
      await withSubscription(byPrefix, async (reader) => {
        const events = await reader.take(7);
        expect(events.every((event) => event.stream === wantedStream)).toBe(true);
        expect(events.map((event) => event.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      });
      const byType = store().subscribeToAll({ after: from, filter: { eventTypes: [keptType, 'Sentinel'] } });
      await withSubscription(byType, async (reader) => {
        const events = await reader.take(7, (event) => event.stream === wantedStream || event.stream === otherStream);
        expect(events.map((event) => [event.stream.slice(0, event.stream.indexOf('-')), event.type])).toEqual([
          ...Array.from({ length: 3 }, () => [[other, keptType], [wanted, keptType]]).flat(),
          [wanted, 'Sentinel'],
        ]);
      });
      const both = store().subscribeToAll({
        after: from,
        filter: { streamPrefixes: [`${other}-`, `${wanted}-`], eventTypes: ['Dropped', 'Sentinel'] },
      });
      await withSubscription(both, async (reader) => {
        const events = await reader.take(4);
        expect(events.map((event) => event.type)).toEqual(['Dropped', 'Dropped', 'Dropped', 'Sentinel']);
      });
    });

    // Under EventStoreDB's 1 MiB append limit, as every event must be.
    it('delivers a 900 KiB unicode event intact', async () => {
      const category = uniqueCategory();
      const data = { blob: '€'.repeat(300 * 1024), text: '😀 漢字 مرحبا a\u0000b' };
      const subscription = store().subscribeToAll({ after: 'end', filter: { streamPrefixes: [`${category}-`] } });
      await withSubscription(subscription, async (reader) => {
        await store().append(uniqueStream(category), [makeEvent('Large', data)], 'no_stream');
        const [event] = await reader.take(1);
        expect(event?.data).toEqual(data);
      });
    });

    it('ends a pending read when the subscription is closed, and when the consumer breaks out', async () => {
      const category = uniqueCategory();
      const subscription = store().subscribeToAll({ after: 'end', filter: { streamPrefixes: [`${category}-`] } });
      const reader = new SubscriptionReader(subscription);
      expect(await reader.next(50)).toBe('timeout');
      await subscription.close();
      expect(await reader.next(5000)).toBe('done');

      const stream = uniqueStream(category);
      await store().append(stream, makeEvents(3), 'no_stream');
      const seen: RecordedEvent[] = [];
      const looped = store().subscribeToAll({ filter: { streamPrefixes: [`${category}-`] } });
      for await (const event of looped) {
        seen.push(event);
        if (seen.length === 2) break;
      }
      expect(seen.map((event) => event.revision)).toEqual([0, 1]);
      await looped.close();
    });

    it('ends live subscriptions when the store is closed', async () => {
      const own = await open();
      const subscription = own.store.subscribeToAll({ after: 'end' });
      const reader = new SubscriptionReader(subscription);
      try {
        const pending = reader.next(5000);
        await own.store.close();
        expect(await pending).toBe('done');
      } finally {
        await own.cleanup();
      }
    });
  });
}
