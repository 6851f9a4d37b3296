// `npm run bench -- store`: the embedded store's figures against baselines measured
// in the same run (a bare better-sqlite3 loop of one transaction per event).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ActorRuntime } from '../actors/runtime/actor-runtime.js';
import { genesisHash } from '../actors/runtime/hash-chain.js';
import { evolve, initialState } from '../actors/runtime/replay.js';
import { systemClock } from '../actors/runtime/system-clock.js';
import type { EventMetadata } from '../domain/event-metadata.js';
import type { EventToAppend, RecordedEvent } from '../domain/ports/event-store.js';
import { systemPrincipal } from '../domain/principal.js';
import { tenantAggregate } from '../domain/tenant/aggregate.js';
import type { TenantId } from '../domain/tenant/tenant-id.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { tenantsProjection } from '../projections/tenants/index.js';
import { SqliteEventStore } from '../store/sqlite-event-store.js';
import type { Fsync } from '../store/sqlite-schema.js';
import { figure, note, percentile, rate, timed } from './figures.js';

const metadata = (): EventMetadata => ({
  actor: systemPrincipal,
  correlationId: randomUUID(),
  causationId: randomUUID(),
  at: new Date().toISOString(),
  previousHash: genesisHash,
  hash: genesisHash,
});

const event = (i: number): EventToAppend => ({
  type: 'BenchEventRecorded',
  data: { sequence: i, note: 'a payload about the size of a real domain event' },
  metadata: metadata(),
});

function scratch(): { file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tether-bench-'));
  return { file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function bareLoop(file: string, synchronous: 'FULL' | 'NORMAL', count: number, perTransaction = 1): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT, revision INTEGER, type TEXT, data TEXT, metadata TEXT, UNIQUE(stream, revision))');
  const insert = db.prepare('INSERT INTO events (stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?)');
  const events = Array.from({ length: count }, (_, i) => event(i));
  const append = db.transaction((first: number) => {
    for (let i = first; i < first + perTransaction; i += 1) {
      const e = events[i] ?? event(i);
      insert.run('bench-bare', i, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
    }
  });
  // Events are made before the clock starts, here and for the store, so both figures are of storing alone.
  const start = performance.now();
  for (let i = 0; i < count; i += perTransaction) append.immediate(i);
  const ms = performance.now() - start;
  db.close();
  return rate(count, ms);
}

async function batches(fsync: Fsync, file: string): Promise<number> {
  const store = SqliteEventStore.open({ file, fsync });
  const batchCount = 1000;
  const batches = Array.from({ length: batchCount }, () => Array.from({ length: 100 }, (_, i) => event(i)));
  const ms = await timed(async () => {
    for (const [b, batch] of batches.entries()) await store.append(`bench-${b}`, batch, 'no_stream');
  });
  await store.close();
  return rate(batchCount * 100, ms);
}

async function concurrentSingles(fsync: Fsync, file: string, writers: number, perWriter: number): Promise<number> {
  const store = SqliteEventStore.open({ file, fsync });
  const events = Array.from({ length: perWriter }, (_, i) => event(i));
  const ms = await timed(async () => {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (const [i, e] of events.entries()) await store.append(`writer-${w}`, [e], i === 0 ? 'no_stream' : i - 1);
      }),
    );
  });
  await store.close();
  return rate(writers * perWriter, ms);
}

interface ReplayFigures {
  readonly count: number;
  readonly loadMs: number;
  readonly readMs: number;
  readonly replayMs: number;
}

async function replay(file: string): Promise<ReplayFigures> {
  const store = SqliteEventStore.open({ file });
  const writer = new ActorRuntime({ store, clock: systemClock });
  const id = 'replay.example' as TenantId;
  await writer.execute(tenantAggregate, id, { type: 'CreateTenant', tenantId: id, name: 'Replay', passwordHash: 'h0' }, { principal: systemPrincipal });
  for (let i = 1; i < 10_000; i += 1) {
    await writer.execute(tenantAggregate, id, { type: 'ChangeTenantPassword', passwordHash: `h${i}` }, { principal: systemPrincipal });
  }
  await writer.stop();
  // Warm the code paths once, as a running hub has them warm.
  await new ActorRuntime({ store, clock: systemClock }).load(tenantAggregate, id);

  const reader = new ActorRuntime({ store, clock: systemClock });
  let count = 0;
  const loadMs = await timed(async () => {
    count = (await reader.load(tenantAggregate, id)).revision + 1;
  });
  let events: RecordedEvent[] = [];
  const readMs = await timed(async () => {
    events = await store.readStream(`tenant-${id}`, { maxCount: 10_000 });
  });
  const replayMs = await timed(() => {
    evolve(tenantAggregate, initialState(tenantAggregate.machine), events);
  });
  await store.close();
  return { count, loadMs, readMs, replayMs };
}

async function catchUp(file: string): Promise<number> {
  const store = SqliteEventStore.open({ file });
  const head = await store.headPosition();
  let count = 0;
  const ms = await timed(async () => {
    const subscription = store.subscribeToAll({});
    for await (const e of subscription) {
      count += 1;
      if (e.position >= head) break;
    }
    await subscription.close();
  });
  await store.close();
  return rate(count, ms);
}

async function projectionLag(dir: { file: (name: string) => string }): Promise<{ p50: number; p99: number; count: number }> {
  const store = SqliteEventStore.open({ file: dir.file('lag-events.db') });
  const runtime = new ActorRuntime({ store, clock: systemClock });
  const runner = new ProjectionRunner({ store, file: dir.file('lag-readmodels.db'), projections: [tenantsProjection] });
  await runner.start();
  const acknowledged = new Map<number, number>();
  const lags: number[] = [];
  runner.onChange((change) => {
    const at = acknowledged.get(change.position);
    if (at !== undefined) lags.push(performance.now() - at);
  });
  const perSecond = 2000;
  const seconds = 3;
  const tenants = 50;
  for (let t = 0; t < tenants; t += 1) {
    const id = `lag-${t}` as TenantId;
    await runtime.execute(tenantAggregate, id, { type: 'CreateTenant', tenantId: id, name: id, passwordHash: 'h' }, { principal: systemPrincipal });
  }
  const start = performance.now();
  let sent = 0;
  let last = -1;
  const inFlight: Promise<void>[] = [];
  while (sent < perSecond * seconds) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    for (; sent < due && sent < perSecond * seconds; sent += 1) {
      const id = `lag-${sent % tenants}` as TenantId;
      inFlight.push(
        runtime.execute(tenantAggregate, id, { type: 'ChangeTenantPassword', passwordHash: `h${sent}` }, { principal: systemPrincipal }).then((r) => {
          if (r.position !== undefined) {
            acknowledged.set(r.position, performance.now());
            last = Math.max(last, r.position);
          }
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  await runner.waitFor(last, 10_000);
  await runner.stop();
  await runtime.stop();
  await store.close();
  const sorted = [...lags].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length };
}

export async function storeBenchmark(): Promise<void> {
  const dir = scratch();
  try {
    note('synchronous=NORMAL (the default, --fsync normal): an acknowledged append survives kill -9 of the hub.');
    note('synchronous=FULL (--fsync full): it also survives a power loss; each group commit fsyncs the WAL.');
    const bareFull = bareLoop(dir.file('bare-full.db'), 'FULL', 5000);
    const bareNormal = bareLoop(dir.file('bare-normal.db'), 'NORMAL', 20000);
    figure('baseline: bare SQLite, 1 txn/event, synchronous=FULL', bareFull, 'events/s');
    figure('baseline: bare SQLite, 1 txn/event, synchronous=NORMAL', bareNormal, 'events/s');

    const bareBatches = bareLoop(dir.file('bare-batches.db'), 'NORMAL', 100_000, 100);
    figure('baseline: bare SQLite, 100 events/txn, synchronous=NORMAL', bareBatches, 'events/s');
    const batched = await batches('normal', dir.file('batch-normal.db'));
    figure('batches of 100, synchronous=NORMAL', batched, 'events/s', { op: '>=', value: 100_000 });
    note(`batches vs bare SQLite inserts: ${(batched / bareBatches).toFixed(2)}x`);
    figure('batches of 100, synchronous=FULL', await batches('full', dir.file('batch-full.db')), 'events/s');

    for (const fsync of ['normal', 'full'] as const) {
      const level = fsync.toUpperCase();
      const one = await concurrentSingles(fsync, dir.file(`one-${fsync}.db`), 1, 5000);
      figure(`single-event appends, 1 writer, synchronous=${level}`, one, 'events/s');
      const many = await concurrentSingles(fsync, dir.file(`many-${fsync}.db`), 64, 500);
      figure(`single-event appends, 64 writers, synchronous=${level}`, many, 'events/s', { op: '>=', value: 20_000 });
      const bare = fsync === 'full' ? bareFull : bareNormal;
      note(`64 writers vs bare loop at ${level}: ${(many / bare).toFixed(2)}x`);
    }

    const replayed = await replay(dir.file('replay.db'));
    figure(`replay of a ${replayed.count}-event stream through the tenant machine`, replayed.replayMs, 'ms', { op: '<=', value: 100 });
    figure(`  reading those ${replayed.count} events from the store`, replayed.readMs, 'ms');
    figure('  load by a fresh runtime (read + decode + replay)', replayed.loadMs, 'ms');

    figure('$all catch-up (subscribeToAll from start)', await catchUp(dir.file('batch-normal.db')), 'events/s');

    const lag = await projectionLag(dir);
    figure(`projection lag p50 at 2,000 events/s (${lag.count} events)`, lag.p50, 'ms');
    figure('projection lag p99 at 2,000 events/s', lag.p99, 'ms', { op: '<=', value: 50 });
    note('  as a dashboard sees it: under a steady stream the read models commit at most every 10 ms (liveSpacingMs), and that wait is part of the lag.');
  } finally {
    dir.remove();
  }
}
