// A second process on the same SQLite file, driven by the integration tests (compiled to JS
// first, see sqlite-child-build.ts). Every acknowledged append is printed as one JSON line.
//   serve <file>             append one event per stdin line `{"stream","type"}`
//   hammer <file> <writers> [normal|full]  append batches of 1..5 events in a loop until killed
import { createInterface } from 'node:readline';
import type { EventToAppend } from '../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';

export interface ChildAck {
  readonly stream: string;
  readonly size: number;
  readonly nextRevision: number;
  readonly position: number;
}

const eventOf = (type: string, data: Record<string, unknown>): EventToAppend => ({
  type,
  data,
  metadata: {
    actor: { id: 'child', role: 'system' },
    correlationId: `c-${process.pid}`,
    causationId: `c-${process.pid}`,
    at: new Date().toISOString(),
    previousHash: '',
    hash: '',
  },
});

const ack = (line: ChildAck): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

async function serve(store: SqliteEventStore): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    const { stream, type } = JSON.parse(line) as { stream: string; type: string };
    const result = await store.append(stream, [eventOf(type, { from: 'child' })], 'any');
    ack({ stream, size: 1, ...result });
  }
  await store.close();
}

async function hammer(store: SqliteEventStore, writers: number): Promise<never> {
  const writer = async (id: number): Promise<never> => {
    const stream = `durable-${process.pid}w${id}`;
    let revision = -1;
    for (let batch = 0; ; batch++) {
      const size = (batch % 5) + 1;
      const events = Array.from({ length: size }, (_, index) => eventOf('Hammered', { batch, index, size }));
      const result = await store.append(stream, events, revision < 0 ? 'no_stream' : revision);
      revision = result.nextRevision;
      ack({ stream, size, ...result });
    }
  };
  return Promise.race(Array.from({ length: writers }, (_, id) => writer(id)));
}

const [mode, file, writers, fsync] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: sqlite-child serve|hammer <file> [writers] [fsync]');
const store = SqliteEventStore.open({ file, fsync: fsync === 'full' ? 'full' : 'normal' });
if (mode === 'serve') await serve(store);
else if (mode === 'hammer') await hammer(store, Number(writers ?? '4'));
else throw new Error(`unknown mode ${String(mode)}`);
