import * as t from 'io-ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { ActorRuntime, RuntimeOptions } from '../../actors/actor-runtime.js';
import type { Aggregate } from '../../domain/aggregate.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { admin, RuntimeFixture } from './runtime-fixture.js';

// A tally whose every Counted event has a live action: announce, left to the host.
const Counted = t.type({ type: t.literal('Counted'), data: t.type({ n: t.number }) });
type Counted = t.TypeOf<typeof Counted>;

const tallyMachine = setup({
  types: { context: {} as { count: number }, events: {} as Counted },
  actions: { announce: () => undefined },
}).createMachine({
  id: 'tally',
  context: { count: 0 },
  on: { Counted: { actions: [assign({ count: ({ context }) => context.count + 1 }), 'announce'] } },
});

type TallyAggregate = Aggregate<typeof tallyMachine, { readonly type: 'Count' }>;
const tallyAggregate: TallyAggregate = {
  category: 'tally',
  machine: tallyMachine,
  events: Counted,
  decide: (state) => [{ type: 'Counted', data: { n: state.context.count + 1 } }],
};

let fixture: RuntimeFixture;
beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

interface Announcement {
  readonly stream: string;
  /** Which incarnation of the live actor ran the action. */
  readonly session: string;
  readonly n: number;
  /** The stream as stored when the action ran (the SQLite store reads synchronously). */
  readonly stored: Promise<RecordedEvent[]>;
}

function liveRuntime(
  options: Partial<RuntimeOptions> = {},
  aggregate: TallyAggregate = tallyAggregate,
): { runtime: ActorRuntime; announced: Announcement[] } {
  const runtime = fixture.runtime(options);
  const announced: Announcement[] = [];
  runtime.provide(aggregate, {
    actions: {
      announce: ({ event, self }) => {
        announced.push({ stream: self.id, session: self.sessionId, n: event.data.n, stored: fixture.store.readStream(self.id) });
      },
    },
  });
  return { runtime, announced };
}

const count = { type: 'Count' } as const;

describe('live apply', () => {
  it('runs the action of every appended event, after its append', async () => {
    const { runtime, announced } = liveRuntime();
    for (let i = 0; i < 3; i++) await runtime.execute(tallyAggregate, 'a', count, admin);
    expect(announced.map((a) => a.n)).toEqual([1, 2, 3]);
    for (const { n, stored } of announced) expect((await stored).length).toBe(n);
  });

  it('runs no action when the append fails', async () => {
    const { runtime, announced } = liveRuntime();
    await fixture.store.close();
    await expect(runtime.execute(tallyAggregate, 'a', count, admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(announced).toEqual([]);
  });

  it('runs no action while replaying a stream, only for what is appended next', async () => {
    const writer = fixture.runtime();
    for (let i = 0; i < 100; i++) await writer.execute(tallyAggregate, 'a', count, admin);
    const { runtime, announced } = liveRuntime({ store: fixture.openStore() });
    expect((await runtime.load(tallyAggregate, 'a')).state.context.count).toBe(100);
    expect(announced).toEqual([]);
    await runtime.execute(tallyAggregate, 'a', count, admin);
    expect(announced.map((a) => a.n)).toEqual([101]);
  });

  it('still applies the events of an actor passivated while its append was in flight', async () => {
    const { runtime, announced } = liveRuntime({ limits: { maxResident: 1 } });
    await runtime.execute(tallyAggregate, 'a', count, admin);
    await Promise.all([runtime.execute(tallyAggregate, 'a', count, admin), runtime.execute(tallyAggregate, 'b', count, admin)]);
    await runtime.execute(tallyAggregate, 'a', count, admin);
    expect(announced.filter((a) => a.stream === 'tally-a').map((a) => a.n)).toEqual([1, 2, 3]);
    expect(announced.filter((a) => a.stream === 'tally-b').map((a) => a.n)).toEqual([1]);
  });

  it('stops the live actor of a passivated stream and starts a new one when it is used again', async () => {
    const { runtime, announced } = liveRuntime({ limits: { maxResident: 1 } });
    await runtime.execute(tallyAggregate, 'a', count, admin);
    await runtime.execute(tallyAggregate, 'b', count, admin);
    await runtime.execute(tallyAggregate, 'a', count, admin);
    const sessions = announced.filter((a) => a.stream === 'tally-a').map((a) => a.session);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).not.toBe(sessions[1]);
  });

  it('never passivates an actor its aggregate keeps resident', async () => {
    const pinned: TallyAggregate = { ...tallyAggregate, keepResident: (state) => state.context.count > 0 };
    const { runtime, announced } = liveRuntime({ limits: { maxResident: 1, idleMs: 60_000 } }, pinned);
    await runtime.execute(pinned, 'a', count, admin);
    await runtime.execute(pinned, 'b', count, admin);
    fixture.clock.advance(3_600_000);
    await runtime.execute(pinned, 'c', count, admin);
    await runtime.execute(pinned, 'a', count, admin);
    expect(runtime.residentCount).toBe(3);
    const sessions = new Set(announced.filter((a) => a.stream === 'tally-a').map((a) => a.session));
    expect(sessions.size).toBe(1);
  });
});
