import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { WrongExpectedVersion } from '../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';
import { eventStoreContract } from './contract.js';
import { failureOf, inStreams, key, makeEvent, makeEvents, SubscriptionReader, uniqueCategory, uniqueStream } from './event-store-fixtures.js';
import type { ChildAck } from './sqlite-child.js';
import type { BuiltChild } from './sqlite-child-build.js';
import { buildChildScript } from './sqlite-child-build.js';

const tempDirs: string[] = [];
const tempFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-sqlite-'));
  tempDirs.push(dir);
  return join(dir, 'events.db');
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

eventStoreContract('SqliteEventStore', async () => {
  const store = SqliteEventStore.open({ file: tempFile() });
  return { store, cleanup: () => store.close() };
});

// Positions spaced out as EventStoreDB's are: a reader that adds to a position fails here too.
eventStoreContract('SqliteEventStore with spaced positions', async () => {
  const store = SqliteEventStore.open({ file: tempFile(), positionStride: 7 });
  return { store, cleanup: () => store.close() };
});

/** Opens stores on `file` for one test and closes them after it, whatever happens. */
async function withStores(count: number, body: (...stores: SqliteEventStore[]) => Promise<void>, file = tempFile()): Promise<void> {
  const stores = Array.from({ length: count }, () => SqliteEventStore.open({ file }));
  try {
    await body(...stores);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

describe('SqliteEventStore', () => {
  it('names its file the same for every process that opens it, and another file otherwise', async () => {
    const file = tempFile();
    await withStores(2, async (first, second) => {
      expect(await first.identity()).toMatch(/^sqlite:[0-9a-f-]{36}$/);
      expect(await second.identity()).toBe(await first.identity());
    }, file);
    await withStores(1, async (again) => {
      await withStores(1, async (other) => expect(await other.identity()).not.toBe(await again.identity()));
    }, file);
  });

  it('numbers positions from 1, reports -1 for an empty store and never reuses a position', async () => {
    const file = tempFile();
    await withStores(1, async (store) => {
      expect(await store.headPosition()).toBe(-1);
      const stream = uniqueStream();
      expect(await store.append(stream, makeEvents(2), 'no_stream')).toEqual({ nextRevision: 1, position: 2 });
      const raw = new Database(file);
      raw.prepare('DELETE FROM events WHERE position = 2').run();
      raw.close();
      expect((await store.append(stream, [makeEvent('Next')], 0)).position).toBe(3);
    }, file);
  });

  it('commits concurrent appends in shared transactions, checking each against the ones before it', async () => {
    await withStores(1, async (store) => {
      const before = store.stats().transactions;
      const writes = Array.from({ length: 64 }, () => store.append(uniqueStream(), [makeEvent('Single')], 'no_stream'));
      const results = await Promise.all(writes);
      expect(new Set(results.map((result) => result.position)).size).toBe(64);
      expect(store.stats().transactions - before).toBeLessThan(64);

      const stream = uniqueStream();
      const batchStart = store.stats().transactions;
      const outcomes = await Promise.allSettled([
        store.append(stream, [makeEvent('First')], 'no_stream'),
        store.append(stream, makeEvents(2), 0),
        store.append(stream, [makeEvent('Stale')], 0),
        store.append(stream, [makeEvent('Last')], 2),
      ]);
      expect(store.stats().transactions - batchStart).toBe(1);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const stale = outcomes[2];
      expect(stale?.status === 'rejected' ? stale.reason : undefined).toBeInstanceOf(WrongExpectedVersion);
      expect(stale).toMatchObject({ reason: { actual: 2 } });
      expect((await store.readStream(stream)).map((event) => event.type)).toEqual(['First', 'ThingHappened', 'ThingHappened', 'Last']);
    });
  });

  it('resolves an append only once it is committed, visible to another connection', async () => {
    const file = tempFile();
    await withStores(1, async (store) => {
      const stream = uniqueStream();
      const raw = new Database(file, { readonly: true });
      try {
        const count = raw.prepare<[string], number>('SELECT count(*) FROM events WHERE stream = ?').pluck();
        const pending = store.append(stream, makeEvents(3), 'no_stream');
        expect(count.get(stream)).toBe(0);
        await pending;
        expect(count.get(stream)).toBe(3);
      } finally {
        raw.close();
      }
    }, file);
  });

  it('commits appends still queued when it is closed, then refuses new work', async () => {
    const file = tempFile();
    const stream = uniqueStream();
    const store = SqliteEventStore.open({ file });
    const pending = store.append(stream, makeEvents(2), 'no_stream');
    await store.close();
    expect(await pending).toMatchObject({ nextRevision: 1 });
    expect(await failureOf(() => store.append(stream, [makeEvent('Late')], 'any'))).toMatchObject({ code: 'unavailable' });
    await withStores(1, async (reopened) => {
      expect(await reopened.readStream(stream)).toHaveLength(2);
    }, file);
  });

  it('reports a stored row that is not JSON as corrupt_event, on every read path', async () => {
    const file = tempFile();
    await withStores(1, async (store) => {
      const stream = uniqueStream();
      await store.append(stream, [makeEvent('Fine')], 'no_stream');
      const raw = new Database(file);
      raw.prepare("UPDATE events SET data = '{not json' WHERE stream = ?").run(stream);
      raw.close();
      expect(await failureOf(() => store.readStream(stream))).toMatchObject({ code: 'corrupt_event' });
      expect(await failureOf(() => store.readAll())).toMatchObject({ code: 'corrupt_event' });
      const subscription = store.subscribeToAll({});
      expect(await failureOf(() => new SubscriptionReader(subscription).next(5000))).toMatchObject({ code: 'corrupt_event' });
      await subscription.close();
    }, file);
  });

  it("survives a crash with fsync 'full' as well", async () => {
    const file = tempFile();
    const store = SqliteEventStore.open({ file, fsync: 'full' });
    const stream = uniqueStream();
    await store.append(stream, makeEvents(3), 'no_stream');
    await store.close();
    await withStores(1, async (reopened) => {
      expect((await reopened.readStream(stream)).map((event) => event.revision)).toEqual([0, 1, 2]);
    }, file);
  });

  it('wakes its own live subscribers at once, not at the next poll', async () => {
    const store = SqliteEventStore.open({ file: tempFile(), pollIntervalMs: 60_000 });
    try {
      const reader = new SubscriptionReader(store.subscribeToAll({ after: 'end' }));
      for (let i = 0; i < 3; i++) {
        const stream = uniqueStream();
        const [[event]] = await Promise.all([reader.take(1, () => true, 1000), store.append(stream, [makeEvent('Here')], 'no_stream')]);
        expect(event?.stream).toBe(stream);
      }
    } finally {
      await store.close();
    }
  });

  it('forgets a subscription the consumer broke out of', async () => {
    await withStores(1, async (store) => {
      await store.append(uniqueStream(), makeEvents(3), 'no_stream');
      for await (const event of store.subscribeToAll()) {
        expect(event.position).toBe(1);
        break;
      }
      expect(store.stats().subscriptions).toBe(0);
    });
  });

  describe('two stores on one file', () => {
    it("sees the other store's appends within the poll interval", async () => {
      await withStores(2, async (reader, writer) => {
        const category = uniqueCategory();
        const subscription = new SubscriptionReader(reader.subscribeToAll({ after: 'end' }));
        for (let i = 0; i < 5; i++) {
          const stream = uniqueStream(category);
          // Waiting first, so only the poll can deliver it: 25 ms interval, 250 ms for a busy machine.
          const [[event]] = await Promise.all([
            subscription.take(1, () => true, 250),
            writer.append(stream, [makeEvent('Elsewhere')], 'no_stream'),
          ]);
          expect(event?.stream).toBe(stream);
        }
        await subscription.subscription.close();
      });
    });

    it('gives subscribers of both stores every event once, in order, while both append', async () => {
      await withStores(2, async (first, second) => {
        const category = uniqueCategory();
        const filter = { streamPrefixes: [`${category}-`] };
        const readers = [first, second].map((store) => new SubscriptionReader(store.subscribeToAll({ after: 'end', filter })));
        const shared = uniqueStream(category);
        const writes = [first, second].flatMap((store) =>
          Array.from({ length: 3 }, async () => {
            const own = uniqueStream(category);
            for (let i = 0; i < 20; i++) {
              await store.append(own, [makeEvent('Own')], i === 0 ? 'no_stream' : i - 1);
              await store.append(shared, makeEvents(2, 'Shared'), 'any');
            }
          }),
        );
        const total = 2 * 3 * 20 * 3;
        const [received] = await Promise.all([Promise.all(readers.map((reader) => reader.take(total))), Promise.all(writes)]);
        const stored = (await first.readAll()).filter(inStreams(`${category}-`)).map(key);
        expect(stored).toHaveLength(total);
        for (const events of received) expect(events.map(key)).toEqual(stored);
        await Promise.all(readers.map((reader) => reader.subscription.close()));
      });
    });
  });

  describe('with a second process on the file', () => {
    let child: BuiltChild | undefined;
    beforeAll(() => {
      child = buildChildScript();
    });
    afterAll(() => child?.cleanup());

    it("delivers a real child process's appends to a live subscriber, while both write", async () => {
      if (child === undefined) throw new Error('child script not built');
      const file = tempFile();
      await withStores(1, async (store) => {
        const category = uniqueCategory();
        const subscription = new SubscriptionReader(store.subscribeToAll({ after: 'end', filter: { streamPrefixes: [`${category}-`] } }));
        const process_ = spawn(process.execPath, [child?.script ?? '', 'serve', file], { stdio: ['pipe', 'pipe', 'inherit'] });
        const acks = createInterface({ input: process_.stdout })[Symbol.asyncIterator]();
        const ask = async (stream: string): Promise<ChildAck> => {
          process_.stdin.write(`${JSON.stringify({ stream, type: 'FromChild' })}\n`);
          const line = await acks.next();
          if (line.done === true) throw new Error('child process ended');
          return JSON.parse(line.value) as ChildAck;
        };
        try {
          // The first append waits for node to start; the timed ones below only for the poll.
          await ask(uniqueStream());
          for (let i = 0; i < 5; i++) {
            const stream = uniqueStream(category);
            const [[event], acked] = await Promise.all([subscription.take(1, () => true, 250), ask(stream)]);
            expect(event).toMatchObject({ stream, position: acked.position, type: 'FromChild' });
          }
          const ours = uniqueStream(category);
          const theirs = Array.from({ length: 30 }, () => uniqueStream(category));
          const childWrites = (async () => {
            for (const stream of theirs) await ask(stream);
          })();
          for (let i = 0; i < 30; i++) await store.append(ours, [makeEvent('FromParent')], 'any');
          await childWrites;
          const received: RecordedEvent[] = await subscription.take(60);
          received.slice(1).forEach((event, i) => expect(event.position).toBeGreaterThan(received[i]?.position ?? Infinity));
          expect(received.filter((event) => event.stream === ours)).toHaveLength(30);
          expect(new Set(received.map((event) => event.stream))).toEqual(new Set([ours, ...theirs]));
        } finally {
          process_.stdin.end();
          await subscription.subscription.close();
          if (process_.exitCode === null && process_.signalCode === null) {
            await new Promise((resolve) => process_.once('exit', resolve));
          }
        }
      }, file);
    });
  });
});
