import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTetherError } from '../../domain/errors.js';
import type { PublishedChange } from '../../projections/projection.js';
import { ProjectionFailed } from '../../projections/projection-failed.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';
import {
  SeenProjection,
  dumpTables,
  event,
  recordingLogger,
  seenPositions,
  things,
  workspace,
  type Workspace,
} from './projection-fixtures.js';

let ws: Workspace;
const runners: ProjectionRunner[] = [];

beforeEach(() => {
  ws = workspace();
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await ws.dispose();
});

function runner(...projections: SeenProjection[]): ProjectionRunner {
  const created = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections, logger: recordingLogger() });
  runners.push(created);
  return created;
}

describe('ProjectionRunner', () => {
  it('rebuilds read models built from another store: a checkpoint is a position of the store it came from', async () => {
    await ws.store.append('thing-1', things(3), 'no_stream');
    const first = runner(new SeenProjection());
    await first.start();
    await first.waitFor(await ws.store.headPosition(), 5000);
    await first.stop();

    const other = SqliteEventStore.open({ file: join(ws.dir, 'other-events.db') });
    try {
      await other.append('thing-9', things(1), 'no_stream');
      const seen = new SeenProjection();
      const second = new ProjectionRunner({ store: other, file: ws.readModels, projections: [seen], logger: recordingLogger() });
      runners.push(second);
      await second.start();
      await second.waitFor(await other.headPosition(), 5000);
      expect(seen.applied.map((recorded) => recorded.stream)).toEqual(['thing-9']);
      expect(second.read((db) => seenPositions(db))).toEqual((await other.readAll()).map((recorded) => recorded.position));
      await second.stop();
    } finally {
      await other.close();
    }
  });

  it('applies the events stored before start, then live ones, each once and in order', async () => {
    await ws.store.append('thing-1', things(3), 'no_stream');
    const seen = new SeenProjection();
    const projections = runner(seen);
    await projections.start();
    const { position } = await ws.store.append('thing-2', things(2), 'no_stream');
    await projections.waitFor(position, 5000);

    const all = await ws.store.readAll();
    expect(projections.read((db) => seenPositions(db))).toEqual(all.map((recorded) => recorded.position));
    expect(seen.applied.map((recorded) => recorded.stream)).toEqual(['thing-1', 'thing-1', 'thing-1', 'thing-2', 'thing-2']);
    expect(projections.position()).toBe(position);
    expect(await projections.isCaughtUp()).toBe(true);
  });

  it('serves a caller waiting for its write at once, however long live transactions are spaced', async () => {
    const seen = new SeenProjection();
    const projections = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections: [seen], logger: recordingLogger(), liveSpacingMs: 60_000 });
    runners.push(projections);
    await projections.start();
    for (let i = 0; i < 3; i++) {
      const { position } = await ws.store.append(`thing-${i}`, things(1), 'no_stream');
      await projections.waitFor(position, 5000);
    }
    expect(seen.applied.map((recorded) => recorded.stream)).toEqual(['thing-0', 'thing-1', 'thing-2']);
  });

  it('keeps hurrying while a caller waits for a position that later events reach', async () => {
    const projections = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections: [new SeenProjection()], logger: recordingLogger(), liveSpacingMs: 60_000 });
    runners.push(projections);
    await projections.start();
    const first = await ws.store.append('thing-0', things(1), 'no_stream');
    await projections.waitFor(first.position, 5000);
    // Waits for two events ahead: the next commit reaches only the first of them.
    const waited = projections.waitFor(first.position + 2, 5000);
    const second = await ws.store.append('thing-1', things(1), 'no_stream');
    for (let turns = 0; projections.position() < second.position; turns++) {
      if (turns > 1000) throw new Error('the second event was never applied');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const third = await ws.store.append('thing-2', things(1), 'no_stream');
    expect(third.position).toBe(first.position + 2);
    await waited;
  });

  it('reports -1 and is not caught up before anything was applied', async () => {
    await ws.store.append('thing-1', things(1), 'no_stream');
    const projections = runner(new SeenProjection());
    expect(projections.position()).toBe(-1);
    expect(await projections.isCaughtUp()).toBe(false);
  });

  it('applies many stored events in few transactions', async () => {
    for (let i = 0; i < 6; i++) await ws.store.append(`thing-${i}`, things(500), 'no_stream');
    const projections = runner(new SeenProjection());
    await projections.start();
    await projections.waitFor(await ws.store.headPosition(), 10_000);

    expect(projections.read((db) => seenPositions(db))).toHaveLength(3000);
    expect(projections.stats().applied).toBe(3000);
    expect(projections.stats().batches).toBeLessThan(100);
  });

  it('resumes from its checkpoint after a restart: no event applied twice or skipped', async () => {
    await ws.store.append('thing-1', things(10), 'no_stream');
    const first = new SeenProjection();
    const before = runner(first);
    await before.start();
    await before.waitFor(await ws.store.headPosition(), 5000);
    await before.stop();

    await ws.store.append('thing-2', things(5), 'no_stream');
    const second = new SeenProjection();
    const after = runner(second);
    await after.start();
    await after.waitFor(await ws.store.headPosition(), 5000);

    expect(first.applied).toHaveLength(10);
    expect(second.applied.map((recorded) => recorded.stream)).toEqual(Array(5).fill('thing-2'));
    const all = await ws.store.readAll();
    expect(after.read((db) => seenPositions(db))).toEqual(all.map((recorded) => recorded.position));
  });

  it('rebuilds a projection whose version changed, and only that one', async () => {
    await ws.store.append('thing-1', things(4), 'no_stream');
    const before = runner(new SeenProjection('seen', 1), new SeenProjection('kept', 1));
    await before.start();
    await before.waitFor(await ws.store.headPosition(), 5000);
    await before.stop();

    const bumped = new SeenProjection('seen', 2);
    const kept = new SeenProjection('kept', 1);
    const after = runner(bumped, kept);
    await after.start();
    const { position } = await ws.store.append('thing-2', things(1), 'no_stream');
    await after.waitFor(position, 5000);

    expect(bumped.applied).toHaveLength(5);
    expect(kept.applied).toHaveLength(1);
    expect(after.read((db) => seenPositions(db, 'seen_events'))).toEqual(after.read((db) => seenPositions(db, 'kept_events')));
  });

  it('rebuild() gives the same tables as the incremental run, offline and while running', async () => {
    const projections = runner(new SeenProjection());
    await projections.start();
    for (let i = 0; i < 5; i++) {
      const { position } = await ws.store.append(`thing-${i}`, things(3), 'no_stream');
      await projections.waitFor(position, 5000);
    }
    const incremental = projections.read((db) => dumpTables(db, ['seen_events', 'checkpoints']));

    await projections.rebuild();
    expect(projections.read((db) => dumpTables(db, ['seen_events', 'checkpoints']))).toEqual(incremental);
    const { position } = await ws.store.append('thing-live', things(1), 'no_stream');
    await projections.waitFor(position, 5000);
    await projections.stop();

    const offline = runner(new SeenProjection());
    await offline.rebuild();
    expect(() => offline.read((db) => db)).toThrow(/not open/);
    await offline.start();
    expect(offline.position()).toBe(position);
    expect(offline.read((db) => seenPositions(db))).toHaveLength(16);
  });

  it('publishes each change after commit, with the position of its event', async () => {
    const projections = runner(new SeenProjection());
    const published: PublishedChange[] = [];
    projections.onChange((change) => {
      expect(projections.read((db) => seenPositions(db))).toContain(change.position);
      published.push(change);
    });
    await projections.start();
    const { position } = await ws.store.append('thing-1', [event('ThingMade'), event('ThingBroke')], 'no_stream');
    await projections.waitFor(position, 5000);

    expect(published).toEqual([
      { name: 'seen.changed', tenants: ['thing-1'], payload: { type: 'ThingMade' }, position: position - 1 },
      { name: 'seen.changed', tenants: ['thing-1'], payload: { type: 'ThingBroke' }, position },
    ]);
  });

  it('stops publishing to an unsubscribed listener and survives a throwing one', async () => {
    const projections = runner(new SeenProjection());
    const heard: number[] = [];
    const unsubscribe = projections.onChange((change) => heard.push(change.position));
    projections.onChange(() => {
      throw new Error('listener bug');
    });
    await projections.start();
    const first = await ws.store.append('thing-1', things(1), 'no_stream');
    await projections.waitFor(first.position, 5000);
    unsubscribe();
    const second = await ws.store.append('thing-1', things(1), 0);
    await projections.waitFor(second.position, 5000);

    expect(heard).toEqual([first.position]);
    expect(projections.failure).toBeUndefined();
  });

  it('advances past events its projections filter out', async () => {
    const filtered = Object.assign(new SeenProjection(), { filter: { streamPrefixes: ['tenant-'] } });
    const projections = runner(filtered);
    await projections.start();
    await ws.store.append('tenant-acme', things(1), 'no_stream');
    const { position } = await ws.store.append('device-001122334455', things(2), 'no_stream');
    await projections.waitFor(position, 5000);

    expect(filtered.applied.map((recorded) => recorded.stream)).toEqual(['tenant-acme']);
    expect(projections.position()).toBe(position);
  });

  it('rejects waitFor with unavailable when the position is not reached in time', async () => {
    const projections = runner(new SeenProjection());
    await projections.start();
    const waiting = projections.waitFor(1000, 20);
    await expect(waiting).rejects.toSatisfy((error: unknown) => isTetherError(error, 'unavailable'));
  });

  it('rejects pending waiters when stopped', async () => {
    const projections = runner(new SeenProjection());
    await projections.start();
    const waiting = projections.waitFor(1000, 5000);
    await projections.stop();
    await expect(waiting).rejects.toThrow(/stopped/);
  });

  it('stops loudly at an event a projection throws on, keeping the events before it', async () => {
    const logger = recordingLogger();
    const failing = new SeenProjection('seen', 1, 'ThingExploded');
    const projections = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections: [failing], logger });
    runners.push(projections);
    const good = await ws.store.append('thing-1', things(2), 'no_stream');
    await ws.store.append('thing-1', [event('ThingExploded'), event('ThingHappened')], 1);
    await projections.start();

    const waiting = projections.waitFor(await ws.store.headPosition(), 5000);
    await expect(waiting).rejects.toBeInstanceOf(ProjectionFailed);
    expect(projections.failure).toBeInstanceOf(ProjectionFailed);
    expect(projections.failure?.message).toMatch(/seen failed on ThingExploded .*cannot digest/);
    expect(projections.position()).toBe(good.position);
    expect(projections.read((db) => seenPositions(db))).toEqual([good.position - 1, good.position]);
    expect(await projections.isCaughtUp()).toBe(false);
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.details).toMatchObject({ projection: 'seen', type: 'ThingExploded', stream: 'thing-1' });
    await expect(projections.waitFor(0, 5000)).rejects.toBeInstanceOf(ProjectionFailed);
  });

  it('refuses two projections with one name', () => {
    expect(() => runner(new SeenProjection('seen'), new SeenProjection('seen'))).toThrow(/registered twice/);
  });
});
