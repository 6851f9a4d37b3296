import * as t from 'io-ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { Applied, LiveModule } from '../../../actors/runtime/live-module.js';
import type { RuntimeOptions } from '../../../actors/runtime/runtime-options.js';
import type { Aggregate } from '../../../domain/aggregate.js';
import { TetherError } from '../../../domain/errors.js';
import type { EventStore, RecordedEvent } from '../../../domain/ports/event-store.js';
import { WrongExpectedVersion } from '../../../domain/ports/event-store.js';
import { failingAppends } from '../../support/failing-appends.js';
import { admin, RuntimeFixture } from './runtime-fixture.js';

const Counted = t.type({ type: t.literal('Counted'), data: t.type({ n: t.number, label: t.string }) });
type Counted = t.TypeOf<typeof Counted>;

const tallyMachine = setup({ types: { context: {} as { count: number }, events: {} as Counted } }).createMachine({
  id: 'tally',
  context: { count: 0 },
  on: { Counted: { actions: assign({ count: ({ context }) => context.count + 1 }) } },
});

type TallyCommand = { readonly type: 'Count'; readonly label: string } | { readonly type: 'Refuse' };
type TallyAggregate = Aggregate<typeof tallyMachine, TallyCommand>;
const tallyAggregate: TallyAggregate = {
  category: 'tally',
  machine: tallyMachine,
  events: Counted,
  decide: (state, command) => {
    if (command.type === 'Refuse') throw new TetherError('validation_failed', 'refused');
    return [{ type: 'Counted', data: { n: state.context.count + 1, label: command.label } }];
  },
};

/** What reserve holds in these tests: a place, freed at most once. */
interface Place {
  readonly label: string;
  released?: unknown;
}

interface Seen {
  readonly stream: string;
  readonly n: number;
  readonly held: Place | undefined;
  /** The stream as stored when apply ran (the SQLite store reads synchronously). */
  readonly stored: Promise<RecordedEvent[]>;
}

let fixture: RuntimeFixture;
beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

function liveRuntime(options: Partial<RuntimeOptions> = {}, refuseFirst = false) {
  const runtime = fixture.runtime(options);
  const seen: Seen[] = [];
  const places: Place[] = [];
  const module: LiveModule<typeof tallyMachine, TallyCommand, string, Place> = {
    reserve: async (label) => {
      const place: Place = { label };
      places.push(place);
      return { command: refuseFirst && places.length === 1 ? { type: 'Refuse' } : { type: 'Count', label }, held: place };
    },
    release: async (place, reason) => {
      place.released = reason;
    },
    apply: ({ stream, events, held }: Applied<typeof tallyMachine, Place>) => {
      for (const event of events) seen.push({ stream, n: event.data.n, held, stored: fixture.store.readStream(stream) });
    },
  };
  const live = runtime.register(tallyAggregate, module);
  return { runtime, live, seen, places };
}

const count = (label = 'x'): TallyCommand => ({ type: 'Count', label });

describe('live apply', () => {
  it('applies every appended event after its append', async () => {
    const { runtime, seen } = liveRuntime();
    for (let i = 0; i < 3; i++) await runtime.execute(tallyAggregate, 'a', count(), admin);
    expect(seen.map((s) => s.n)).toEqual([1, 2, 3]);
    for (const { n, stored } of seen) expect((await stored).length).toBe(n);
  });

  it('applies nothing when the append fails', async () => {
    const { runtime, seen } = liveRuntime();
    await fixture.store.close();
    await expect(runtime.execute(tallyAggregate, 'a', count(), admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(seen).toEqual([]);
  });

  it('applies nothing while replaying a stream, only what is appended next', async () => {
    const writer = fixture.runtime();
    for (let i = 0; i < 100; i++) await writer.execute(tallyAggregate, 'a', count(), admin);
    const { runtime, seen } = liveRuntime({ store: fixture.openStore() });
    expect((await runtime.load(tallyAggregate, 'a')).state.context.count).toBe(100);
    expect(seen).toEqual([]);
    await runtime.execute(tallyAggregate, 'a', count(), admin);
    expect(seen.map((s) => s.n)).toEqual([101]);
  });

  it('applies in stream order, each after its own append, when commands on one stream race', async () => {
    const { runtime, live, seen } = liveRuntime();
    const other = fixture.runtime({ store: fixture.openStore() });
    await Promise.all([
      runtime.execute(tallyAggregate, 'a', count('one'), admin),
      runtime.reserve(live, 'a', 'two', admin),
      other.execute(tallyAggregate, 'a', count('elsewhere'), admin),
      runtime.execute(tallyAggregate, 'a', count('three'), admin),
      runtime.reserve(live, 'a', 'four', admin),
    ]);
    const stored = await fixture.stream('tally-a');
    const appliedHere = stored.filter((e) => e.data.label !== 'elsewhere').map((e) => e.data.n);
    expect(seen.map((s) => s.n)).toEqual(appliedHere);
    for (const { n, stored: then } of seen) expect((await then).map((e) => e.data.n)).toContain(n);
  });

  it('keeps applying when a live module throws: the events stay stored', async () => {
    const runtime = fixture.runtime();
    runtime.register(tallyAggregate, {
      apply: () => {
        throw new Error('broken live module');
      },
    });
    await runtime.execute(tallyAggregate, 'a', count(), admin);
    expect(await fixture.stream('tally-a')).toHaveLength(1);
  });
});

describe('reserve', () => {
  it('hands what it holds to apply and to the caller, and releases nothing once stored', async () => {
    const { runtime, live, seen, places } = liveRuntime();
    const executed = await runtime.reserve(live, 'a', 'port-1', admin);
    expect(executed.held).toBe(places[0]);
    expect(seen.map((s) => s.held?.label)).toEqual(['port-1']);
    expect(places[0]?.released).toBeUndefined();
  });

  it('releases what it holds when the command is refused', async () => {
    const { runtime, live, seen, places } = liveRuntime({}, true);
    await expect(runtime.reserve(live, 'a', 'port-1', admin)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(places[0]?.released).toMatchObject({ code: 'validation_failed' });
    expect(seen).toEqual([]);
  });

  it('releases what it holds when the store fails the append', async () => {
    const store = failingAppends(fixture.store);
    const { runtime, live, seen, places } = liveRuntime({ store });
    store.failNext('tally-');
    await expect(runtime.reserve(live, 'a', 'port-1', admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(places[0]?.released).toMatchObject({ code: 'unavailable' });
    expect(seen).toEqual([]);
    await runtime.reserve(live, 'a', 'port-2', admin);
    expect(places[1]?.released).toBeUndefined();
  });

  it('releases what it holds when every retry loses its race', async () => {
    const base = fixture.store;
    const alwaysBehind: EventStore = {
      append: (stream) => Promise.reject(new WrongExpectedVersion(stream, 0, 1)),
      readStream: (stream, options) => base.readStream(stream, options),
      readAll: (options) => base.readAll(options),
      subscribeToAll: (options) => base.subscribeToAll(options),
      headPosition: () => base.headPosition(),
      identity: () => base.identity(),
      close: () => base.close(),
    };
    const { runtime, live, seen, places } = liveRuntime({ store: alwaysBehind, maxRetries: 2 });
    await expect(runtime.reserve(live, 'a', 'port-1', admin)).rejects.toMatchObject({ code: 'wrong_expected_version' });
    expect(places).toHaveLength(1);
    expect(places[0]?.released).toMatchObject({ code: 'wrong_expected_version' });
    expect(seen).toEqual([]);
  });
});
