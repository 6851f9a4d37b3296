// The behaviour every EventStore adapter must show. Each test uses its own random
// streams, so the suite also runs against a shared EventStoreDB server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, EventToAppend, ExpectedRevision, RecordedEvent } from '../../domain/ports/event-store.js';
import { keptPosition, StreamNotFound, WrongExpectedVersion } from '../../domain/ports/event-store.js';
import { logPages, streamPages } from '../../domain/ports/log-pages.js';
import { sizeContract } from './contract-sizes.js';
import { subscriptionContract } from './contract-subscriptions.js';
import { failureOf, inStreams, makeEvent, makeEvents, uniqueCategory, uniqueStream } from './event-store-fixtures.js';

export interface OpenedStore {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

export function eventStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let opened: OpenedStore | undefined;
    const store = (): EventStore => {
      if (opened === undefined) throw new Error('store not opened');
      return opened.store;
    };
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      await opened?.cleanup();
    });

    const expectWrongVersion = async (
      stream: string,
      events: readonly EventToAppend[],
      expected: ExpectedRevision,
      actual: number | 'no_stream',
    ): Promise<void> => {
      const error = await failureOf(() => store().append(stream, events, expected));
      expect(error).toBeInstanceOf(WrongExpectedVersion);
      expect(error).toMatchObject({ code: 'wrong_expected_version', stream, expected, actual });
    };
    const revisionsOf = async (stream: string): Promise<number[]> =>
      (await store().readStream(stream)).map((event) => event.revision);

    describe('expected revision', () => {
      it("'no_stream' creates a stream at revision 0 and refuses an existing one", async () => {
        const stream = uniqueStream();
        const first = await store().append(stream, [makeEvent('Created')], 'no_stream');
        expect(first.nextRevision).toBe(0);
        await expectWrongVersion(stream, [makeEvent('Again')], 'no_stream', 0);
        expect(await revisionsOf(stream)).toEqual([0]);
      });

      it("'any' appends whether or not the stream exists", async () => {
        const stream = uniqueStream();
        const first = await store().append(stream, makeEvents(2), 'any');
        const second = await store().append(stream, [makeEvent('More')], 'any');
        expect(first.nextRevision).toBe(1);
        expect(second.nextRevision).toBe(2);
        expect(second.position).toBeGreaterThan(first.position);
      });

      it("'stream_exists' refuses a missing stream with actual 'no_stream' and accepts an existing one", async () => {
        const stream = uniqueStream();
        await expectWrongVersion(stream, [makeEvent('Orphan')], 'stream_exists', 'no_stream');
        await store().append(stream, [makeEvent('Created')], 'no_stream');
        expect((await store().append(stream, [makeEvent('Next')], 'stream_exists')).nextRevision).toBe(1);
      });

      it('a number must equal the last revision; otherwise the actual one is reported', async () => {
        const stream = uniqueStream();
        await expectWrongVersion(stream, [makeEvent('Early')], 0, 'no_stream');
        await store().append(stream, makeEvents(3), 'no_stream');
        await expectWrongVersion(stream, [makeEvent('Stale')], 1, 2);
        await expectWrongVersion(stream, [makeEvent('Ahead')], 3, 2);
        const result = await store().append(stream, makeEvents(2), 2);
        expect(result.nextRevision).toBe(4);
        expect(await revisionsOf(stream)).toEqual([0, 1, 2, 3, 4]);
      });

      it('an empty append writes nothing but still checks the expected revision', async () => {
        const stream = uniqueStream();
        await store().append(stream, [], 'no_stream');
        await expectWrongVersion(stream, [], 'stream_exists', 'no_stream');
        expect(await failureOf(() => store().readStream(stream))).toBeInstanceOf(StreamNotFound);
        await store().append(stream, makeEvents(2), 'no_stream');
        expect((await store().append(stream, [], 1)).nextRevision).toBe(1);
        await expectWrongVersion(stream, [], 5, 1);
        expect(await revisionsOf(stream)).toEqual([0, 1]);
      });

      it('of two writers racing with the same expected revision exactly one wins (50 races)', async () => {
        const races = Array.from({ length: 50 }, async (_, race) => {
          const stream = uniqueStream();
          const expected: ExpectedRevision = race % 2 === 0 ? 'no_stream' : 0;
          if (expected === 0) await store().append(stream, [makeEvent('Created')], 'no_stream');
          const outcomes = await Promise.allSettled([
            store().append(stream, [makeEvent('Raced', { writer: 'a' })], expected),
            store().append(stream, [makeEvent('Raced', { writer: 'b' })], expected),
          ]);
          const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
          const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
          expect(winners).toHaveLength(1);
          expect(losers).toHaveLength(1);
          expect(losers[0]).toBeInstanceOf(WrongExpectedVersion);
          expect(losers[0]).toMatchObject({ actual: expected === 0 ? 1 : 0 });
          expect((await store().readStream(stream)).filter((event) => event.type === 'Raced')).toHaveLength(1);
        });
        await Promise.all(races);
      });
    });

    describe('atomic batches', () => {
      it('a batch gets consecutive revisions and growing positions', async () => {
        const stream = uniqueStream();
        const result = await store().append(stream, makeEvents(10), 'no_stream');
        const events = await store().readStream(stream);
        expect(events.map((event) => event.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(events.map((event) => event.data)).toEqual(makeEvents(10).map((event) => event.data));
        events.slice(1).forEach((event, i) => expect(event.position).toBeGreaterThan(events[i]?.position ?? Infinity));
        expect(result).toEqual({ nextRevision: 9, position: events[9]?.position });
      });

      it('a batch with one invalid event writes nothing', async () => {
        const stream = uniqueStream();
        const bad = { ...makeEvent('Fine'), type: 'not valid' };
        const error = await failureOf(() => store().append(stream, [makeEvent('Fine'), bad, makeEvent('Fine')], 'any'));
        expect(error).toMatchObject({ code: 'invalid_event' });
        expect(await failureOf(() => store().readStream(stream))).toBeInstanceOf(StreamNotFound);
        await store().append(stream, [makeEvent('Created')], 'no_stream');
        await failureOf(() => store().append(stream, [makeEvent('Fine'), { ...makeEvent('Bad'), data: [] as never }], 0));
        expect(await revisionsOf(stream)).toEqual([0]);
      });

      it('a batch refused for its expected revision writes nothing', async () => {
        const stream = uniqueStream();
        await store().append(stream, [makeEvent('Created')], 'no_stream');
        await expectWrongVersion(stream, makeEvents(5), 'no_stream', 0);
        expect(await revisionsOf(stream)).toEqual([0]);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards, backwards, from a revision and up to a count', async () => {
        const stream = uniqueStream();
        await store().append(stream, makeEvents(10), 'no_stream');
        const read = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
          (await store().readStream(stream, options)).map((event) => event.revision);
        expect(await read({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(await read({ fromRevision: 'start', maxCount: 2 })).toEqual([0, 1]);
        expect(await read({ fromRevision: 3 })).toEqual([3, 4, 5, 6, 7, 8, 9]);
        expect(await read({ fromRevision: 3, maxCount: 4 })).toEqual([3, 4, 5, 6]);
        expect(await read({ direction: 'backwards' })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(await read({ direction: 'backwards', fromRevision: 'end', maxCount: 3 })).toEqual([9, 8, 7]);
        expect(await read({ direction: 'backwards', fromRevision: 5 })).toEqual([5, 4, 3, 2, 1, 0]);
        expect(await read({ direction: 'backwards', fromRevision: 5, maxCount: 2 })).toEqual([5, 4]);
        expect(await read({ fromRevision: 10 })).toEqual([]);
        expect(await read({ fromRevision: 20 })).toEqual([]);
        expect(await read({ fromRevision: 9 })).toEqual([9]);
        const events = await store().readStream(stream);
        expect(events.every((event) => event.stream === stream && event.type === 'ThingHappened')).toBe(true);
        expect(events.map((event) => event.data)).toEqual(makeEvents(10).map((event) => event.data));
      });

      it('reports a stream without events as StreamNotFound', async () => {
        const error = await failureOf(() => store().readStream(uniqueStream()));
        expect(error).toBeInstanceOf(StreamNotFound);
        expect(error).toMatchObject({ code: 'stream_not_found' });
        const backwards = await failureOf(() => store().readStream(uniqueStream(), { direction: 'backwards' }));
        expect(backwards).toBeInstanceOf(StreamNotFound);
        const readingOn = await failureOf(() => store().readStream(uniqueStream(), { fromRevision: 3 }));
        expect(readingOn).toBeInstanceOf(StreamNotFound);
      });

      it('reads all events in position order after an exclusive position, up to a count', async () => {
        const category = uniqueCategory();
        const streams = [uniqueStream(category), uniqueStream(category), uniqueStream(category)];
        const appended: string[] = [];
        for (let round = 0; round < 4; round++) {
          for (const stream of streams) {
            await store().append(stream, [makeEvent('Interleaved', { round })], 'any');
            appended.push(`${stream}@${round}`);
          }
        }
        const first = (await store().readStream(streams[0] ?? '', { maxCount: 1 }))[0];
        if (first === undefined) throw new Error('first event missing');
        const all = await store().readAll({ after: first.position });
        expect(all[0]?.position).toBeGreaterThan(first.position);
        all.slice(1).forEach((event, i) => expect(event.position).toBeGreaterThan(all[i]?.position ?? Infinity));
        const mine = all.filter(inStreams(`${category}-`));
        expect(mine.map((event) => `${event.stream}@${event.revision}`)).toEqual(appended.slice(1));
        const page = await store().readAll({ after: first.position, maxCount: 3 });
        expect(page.map((event) => event.position)).toEqual(all.slice(0, 3).map((event) => event.position));
        expect(await store().headPosition()).toBeGreaterThanOrEqual(mine[mine.length - 1]?.position ?? Infinity);
      });

      it('pages on across more than a page from the last position of the page before, never twice, never skipping', async () => {
        const category = uniqueCategory();
        const before = await store().headPosition();
        const streams = [uniqueStream(category), uniqueStream(category)];
        for (let round = 0; round < 12; round++) {
          for (const stream of streams) await store().append(stream, [makeEvent('Paged', { round })], 'any');
        }
        // Other writers may share the store: read on until this test's 24 events are in.
        const pages: (readonly RecordedEvent[])[] = [];
        const mine = (): RecordedEvent[] => pages.flat().filter(inStreams(`${category}-`));
        for await (const page of logPages(store(), { after: before, pageSize: 5 })) {
          pages.push(page);
          if (mine().length >= 24) break;
        }
        const read = mine();
        expect(read.map((event) => `${event.stream}@${event.revision}`)).toEqual(
          Array.from({ length: 12 }, (_, round) => streams.map((stream) => `${stream}@${round}`)).flat(),
        );
        expect(pages.length).toBeGreaterThan(4);
        expect(pages.slice(0, -1).every((page) => page.length === 5)).toBe(true);
        const positions = pages.flat().map((event) => event.position);
        expect(new Set(positions).size).toBe(positions.length);
      });

      it('reads one stream a page at a time from a revision to its end; a missing stream has no pages', async () => {
        const stream = uniqueStream();
        await store().append(stream, makeEvents(12), 'no_stream');
        const pages: (readonly RecordedEvent[])[] = [];
        for await (const page of streamPages(store(), stream, { fromRevision: 1, pageSize: 5 })) pages.push(page);
        expect(pages.map((page) => page.length)).toEqual([5, 5, 1]);
        expect(pages.flat().map((event) => event.revision)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
        const none: (readonly RecordedEvent[])[] = [];
        for await (const page of streamPages(store(), uniqueStream(), { pageSize: 5 })) none.push(page);
        expect(none).toEqual([]);
      });

      it('refuses to read after a position no event has, where positions leave room for one', async () => {
        const stream = uniqueStream();
        await store().append(stream, makeEvents(2), 'no_stream');
        const [first, second] = await store().readStream(stream);
        if (first === undefined || second === undefined) throw new Error('events missing');
        // Where the two are adjacent numbers (the plain SQLite store) there is no such position between them.
        if (second.position - first.position > 1) {
          await expect(store().readAll({ after: keptPosition(first.position + 1) })).rejects.toMatchObject({ code: 'invalid_position' });
        }
        expect((await store().readAll({ after: first.position, maxCount: 1 }))[0]?.position).toBe(second.position);
      });

      // Under EventStoreDB's 1 MiB append limit, as every event must be.
      it('round-trips a 900 KiB payload and unicode exactly', async () => {
        const stream = uniqueStream();
        const before = await store().headPosition();
        const data = {
          blob: 'x'.repeat(900 * 1024),
          emoji: '😀 👩‍👩‍👧‍👦 🇫🇷 🏳️‍🌈',
          cjk: '漢字 かな カナ 한국어',
          rtl: 'שָׁלוֹם مرحبا بالعالم',
          nul: 'before\u0000after',
          separators: 'line\u2028paragraph\u2029tab\tquote"backslash\\',
          nested: { 'ключ': ['значение', 1, -2.5, true, null, 9007199254740991], '🔑': {} },
        };
        await store().append(stream, [makeEvent('BigAndStrange', data)], 'no_stream');
        const [event] = await store().readStream(stream);
        expect(event?.data).toEqual(data);
        expect(event?.data['blob']).toHaveLength(900 * 1024);
        const viaAll = (await store().readAll({ after: before, maxCount: 100 })).find((read) => read.stream === stream);
        expect(viaAll?.data).toEqual(data);
        expect(viaAll?.metadata).toEqual(event?.metadata);
      });
    });

    describe('validation', () => {
      const badNames = ['', 'noCategory', '$all', 'a b-1', 'tenant-', `tenant-${'a'.repeat(300)}`, 'Tenant-1', '-1'];
      it.each(badNames)('refuses the stream name %j', async (stream) => {
        const error = await failureOf(() => store().append(stream, [makeEvent('Fine')], 'any'));
        expect(error).toMatchObject({ code: 'invalid_stream_name' });
      });

      const badEvents: Array<[string, () => unknown]> = [
        ['an empty type', () => ({ ...makeEvent('X'), type: '' })],
        ['a type with spaces', () => ({ ...makeEvent('X'), type: 'Thing Happened' })],
        ['data that is a string', () => ({ ...makeEvent('X'), data: 'text' })],
        ['data that is an array', () => ({ ...makeEvent('X'), data: [1, 2] })],
        ['data that is undefined', () => ({ ...makeEvent('X'), data: undefined })],
        ['data that is null', () => ({ ...makeEvent('X'), data: null })],
        ['data holding a function', () => makeEvent('X', { f: () => 1 })],
        ['data holding a BigInt', () => makeEvent('X', { n: 10n })],
        ['data holding a Date', () => makeEvent('X', { when: new Date() })],
        ['data holding NaN deep inside', () => makeEvent('X', { a: { b: [1, Number.NaN] } })],
        ['metadata that is not an object', () => ({ ...makeEvent('X'), metadata: 'me' })],
      ];
      it.each(badEvents)('refuses an event with %s and writes nothing', async (_, build) => {
        const stream = uniqueStream();
        const error = await failureOf(() => store().append(stream, [build() as EventToAppend], 'any'));
        expect(error).toMatchObject({ code: 'invalid_event' });
        expect(await failureOf(() => store().readStream(stream))).toBeInstanceOf(StreamNotFound);
      });
    });

    sizeContract(store);
    subscriptionContract(store, open);
  });
}
