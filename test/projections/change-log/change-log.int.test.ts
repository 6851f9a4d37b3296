import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeLog } from '../../../projections/change-log/index.js';
import type { LoggedChange } from '../../../projections/change-log/index.js';
import type { PublishedChange } from '../../../projections/projection.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import { SeenProjection, recordingLogger, things, workspace, type Workspace } from '../projection-fixtures.js';

let ws: Workspace;
const runners: ProjectionRunner[] = [];

beforeEach(() => {
  ws = workspace();
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await ws.dispose();
});

interface Started {
  readonly runner: ProjectionRunner;
  readonly log: ChangeLog;
  readonly published: PublishedChange[];
}

/** `log`: null for a runner without one. */
async function start(projections: SeenProjection[], log: ChangeLog | null = new ChangeLog()): Promise<Started> {
  const runner = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections, logger: recordingLogger(), ...(log ? { journal: log } : {}) });
  runners.push(runner);
  const published: PublishedChange[] = [];
  runner.onChange((change) => published.push(change));
  await runner.start();
  await runner.waitFor(await ws.store.headPosition(), 5000);
  return { runner, log: log ?? new ChangeLog(), published };
}

async function stop({ runner }: Started): Promise<void> {
  await runner.stop();
  runners.splice(runners.indexOf(runner), 1);
}

async function append(runner: ProjectionRunner, count: number): Promise<number> {
  const { position } = await ws.store.append(`thing-${Math.random()}`, things(count), 'no_stream');
  await runner.waitFor(position, 5000);
  return position;
}

const everything = ({ runner, log }: Started): LoggedChange[] => runner.read((db) => log.read(db, { position: -1, id: 0 }, 1_000_000));
const floorOf = ({ runner, log }: Started): number => runner.read((db) => log.floor(db));
const withoutIds = (changes: readonly LoggedChange[]): PublishedChange[] => changes.map(({ id: _id, ...change }) => change);

describe('ChangeLog', () => {
  it('holds every published change, with its position, in order, once, across a restart', async () => {
    await ws.store.append('thing-0', things(3), 'no_stream');
    const first = await start([new SeenProjection(), new SeenProjection('other')]);
    await append(first.runner, 2);
    const before = everything(first);
    expect(withoutIds(before)).toEqual(first.published);
    expect(before).toHaveLength(10);
    expect(floorOf(first)).toBe(-1);
    await stop(first);

    const second = await start([new SeenProjection(), new SeenProjection('other')]);
    await append(second.runner, 1);
    expect(withoutIds(everything(second))).toEqual([...first.published, ...second.published]);
    const ids = everything(second).map((change) => change.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
  });

  it('reads in pages after a position and an entry, the changes of one position kept in order', async () => {
    const started = await start([new SeenProjection(), new SeenProjection('other')]);
    const last = await append(started.runner, 3);
    const all = everything(started);
    const page = started.runner.read((db) => started.log.read(db, { position: last - 2, id: 0 }, 3));
    expect(page.map((change) => [change.position, change.name])).toEqual([
      [last - 1, 'seen.changed'],
      [last - 1, 'other.changed'],
      [last, 'seen.changed'],
    ]);
    const rest = started.runner.read((db) => started.log.read(db, { position: last - 2, id: page[2]?.id ?? 0 }, 3));
    expect(rest).toEqual(all.slice(-1));
  });

  it('keeps about `retain` of the latest changes and raises its floor past what it dropped', async () => {
    const started = await start([new SeenProjection()], new ChangeLog({ retain: 10 }));
    for (let i = 0; i < 10; i++) await append(started.runner, 5);
    const kept = everything(started);
    const floor = floorOf(started);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThanOrEqual(10 + 2);
    expect(withoutIds(kept)).toEqual(started.published.filter((change) => change.position > floor));
  });

  it('starts the log of a read-model file made before it at the position its read models stand', async () => {
    const without = await start([new SeenProjection()], null);
    const position = await append(without.runner, 4);
    await stop(without);

    const withLog = await start([new SeenProjection()]);
    expect(floorOf(withLog)).toBe(position);
    expect(everything(withLog)).toEqual([]);
    const next = await append(withLog.runner, 1);
    expect(everything(withLog).map((change) => change.position)).toEqual([next]);
  });

  it('is emptied when a projection is rebuilt at start, and then holds only what it has not published before', async () => {
    const first = await start([new SeenProjection(), new SeenProjection('other')]);
    const position = await append(first.runner, 4);
    await stop(first);

    const second = await start([new SeenProjection('seen', 2), new SeenProjection('other')]);
    // The rebuilt projection published its changes of positions 1..4 again: not logged.
    expect(second.published.map((change) => change.position)).toEqual([position - 3, position - 2, position - 1, position]);
    expect(floorOf(second)).toBe(position);
    expect(everything(second)).toEqual([]);
    const next = await append(second.runner, 1);
    expect(everything(second).map((change) => [change.position, change.name])).toEqual([
      [next, 'seen.changed'],
      [next, 'other.changed'],
    ]);
  });

  it('is emptied by a rebuild, which then records the whole store again', async () => {
    const started = await start([new SeenProjection()], new ChangeLog({ retain: 1000 }));
    await append(started.runner, 3);
    const before = everything(started);
    await started.runner.rebuild();
    const after = everything(started);
    expect(withoutIds(after)).toEqual(withoutIds(before));
    expect(after[0]?.id).toBeGreaterThan(before.at(-1)?.id ?? Infinity);
  });
});
