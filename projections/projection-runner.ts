// Feeds every stored event, in $all order, to the node's read models. Rows and
// checkpoints change in one better-sqlite3 transaction; changes are published only
// after it committed. Catch-up applies many events per transaction; live events follow the
// previous transaction by a few milliseconds at least, unless someone waits for them
// (subscription-batcher.ts).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { TetherError } from '../domain/errors.js';
import type { EventStore, RecordedEvent } from '../domain/ports/event-store.js';
import { keptPosition } from '../domain/ports/event-store.js';
import { logPages } from '../domain/ports/log-pages.js';
import type { ChangeJournal } from './change-log/change-journal.js';
import { CheckpointTable } from './checkpoint-table.js';
import { matchesFilter } from './event-filter.js';
import { PositionWaiters } from './position-waiters.js';
import type { Database, Projection, PublishedChange, ReadModelChange } from './projection.js';
import { ProjectionFailed } from './projection-failed.js';
import { consoleLogger, type RunnerLogger } from './runner-logger.js';
import { SubscriptionBatcher } from './subscription-batcher.js';

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  /** The node's own read-model file, e.g. `<data>/readmodels-<node>.db`. */
  readonly file: string;
  readonly projections: readonly Projection[];
  readonly logger?: RunnerLogger;
  /** Most events applied in one transaction; default 1000. */
  readonly batchSize?: number;
  /** Least time between two live transactions unless a caller waits (waitFor); default 10 ms. */
  readonly liveSpacingMs?: number;
  /** Records the published changes in the transactions that cause them (the dashboards' change log). */
  readonly journal?: ChangeJournal;
}

export interface ProjectionRunnerStats {
  /** Events processed (applied or skipped by filter) since this runner was created. */
  readonly applied: number;
  readonly batches: number;
  readonly position: number;
}

interface OpenFile {
  readonly db: Database;
  readonly checkpoints: CheckpointTable;
}

export class ProjectionRunner {
  private readonly store: EventStore;
  private readonly file: string;
  private readonly projections: readonly Projection[];
  private readonly logger: RunnerLogger;
  private readonly batchSize: number;
  private readonly liveSpacingMs: number;
  private readonly journal: ChangeJournal | undefined;
  private opened: OpenFile | undefined;
  private checkpoints = new Map<string, number>();
  /** Last position processed; what position() reports when there is no projection. */
  private processed = -1;
  /** Between start() and stop(): the runner follows $all (unless it failed). */
  private started = false;
  private batcher: SubscriptionBatcher | undefined;
  private readonly listeners = new Set<(change: PublishedChange) => void>();
  private readonly waiters = new PositionWaiters();
  private failed: TetherError | undefined;
  private counts = { applied: 0, batches: 0 };

  constructor(options: ProjectionRunnerOptions) {
    const names = options.projections.map((projection) => projection.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new TetherError('validation_failed', `projection ${duplicate} is registered twice`);
    this.store = options.store;
    this.file = options.file;
    this.projections = options.projections;
    this.logger = options.logger ?? consoleLogger;
    this.batchSize = Math.max(1, options.batchSize ?? 1000);
    this.liveSpacingMs = Math.max(0, options.liveSpacingMs ?? 10);
    this.journal = options.journal;
  }

  /** Why the runner stopped on its own, if it did. */
  get failure(): TetherError | undefined {
    return this.failed;
  }

  async start(): Promise<void> {
    if (this.started && this.failed === undefined) return;
    await this.closeSubscription();
    this.started = true;
    this.failed = undefined;
    const identity = await this.store.identity();
    const { db, checkpoints } = this.open();
    db.transaction(() => {
      let rebuilt = false;
      const recorded = checkpoints.store;
      const otherStore = recorded !== undefined && recorded !== identity;
      if (otherStore) this.logger.info({ built: recorded, store: identity }, 'the read models were built from another store: rebuilding them');
      checkpoints.store = identity;
      for (const projection of this.projections) {
        const stored = checkpoints.get(projection.name);
        if (!otherStore && stored?.version === projection.version) {
          projection.migrate(db);
          this.checkpoints.set(projection.name, stored.position);
        } else {
          if (stored !== undefined) {
            this.logger.info({ projection: projection.name, from: stored.version, to: projection.version }, 'projection version changed: rebuilding it');
          }
          this.reset(projection);
          rebuilt = true;
        }
      }
      this.journal?.migrate(db, this.position());
      if (rebuilt) this.journal?.reset(db, Math.max(-1, ...this.checkpoints.values()));
    }).immediate();
    this.subscribe();
  }

  onChange(listener: (change: PublishedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The position up to which every projection is applied; -1 before the first event. */
  position(): number {
    if (this.checkpoints.size === 0) return this.processed;
    return Math.min(...this.checkpoints.values());
  }

  waitFor(position: number, timeoutMs: number): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (this.position() >= position) return Promise.resolve();
    this.batcher?.hurry();
    return this.waiters.wait(position, timeoutMs);
  }

  async isCaughtUp(): Promise<boolean> {
    if (this.failed !== undefined || !this.started) return false;
    return this.position() >= (await this.store.headPosition());
  }

  stats(): ProjectionRunnerStats {
    return { ...this.counts, position: this.position() };
  }

  read<T>(fn: (db: Database) => T): T {
    return fn(this.openFile().db);
  }

  /** As read(), but undefined while the file is closed (stopped, or never started). */
  readIfOpen<T>(fn: (db: Database) => T): T | undefined {
    return this.opened === undefined ? undefined : fn(this.opened.db);
  }

  /**
   * Drops every projection and replays the store into it, resolving once caught up with
   * the head. Works on a runner that was never started (it opens and closes the file).
   */
  async rebuild(): Promise<void> {
    const running = this.started;
    await this.closeSubscription();
    const wasOpen = this.opened !== undefined;
    const { db } = this.open();
    this.failed = undefined;
    this.processed = -1;
    db.transaction(() => {
      this.projections.forEach((projection) => this.reset(projection));
      this.journal?.migrate(db, -1);
      this.journal?.reset(db, -1);
    }).immediate();
    this.logger.info({ projections: this.projections.map((projection) => projection.name) }, 'rebuilding projections');
    try {
      await this.catchUpByReading();
    } finally {
      if (running && this.failed === undefined) this.subscribe();
      else if (!wasOpen) this.close();
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.closeSubscription();
    this.waiters.rejectAll(new TetherError('unavailable', 'the projection runner stopped'));
    this.close();
  }

  private open(): OpenFile {
    if (this.opened !== undefined) return this.opened;
    mkdirSync(dirname(this.file), { recursive: true });
    const db = new BetterSqlite3(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    this.opened = { db, checkpoints: new CheckpointTable(db) };
    return this.opened;
  }

  private openFile(): OpenFile {
    if (this.opened === undefined) throw new TetherError('unavailable', 'the read models are not open');
    return this.opened;
  }

  private close(): void {
    this.opened?.db.close();
    this.opened = undefined;
    this.checkpoints = new Map();
  }

  private reset(projection: Projection): void {
    const { db, checkpoints } = this.openFile();
    projection.drop(db);
    projection.migrate(db);
    checkpoints.set(projection.name, { version: projection.version, position: -1 });
    this.checkpoints.set(projection.name, -1);
  }

  private subscribe(): void {
    const from = this.position();
    const subscription = this.store.subscribeToAll({ after: keptPosition(from) });
    this.batcher = new SubscriptionBatcher(subscription, { size: this.batchSize, spacingMs: this.liveSpacingMs }, {
      batch: (events) => this.commitOrFail(events),
      broken: (error) => this.fail(error),
    });
    this.logger.info({ from, projections: this.projections.map((projection) => projection.name) }, 'projections subscribed to $all');
  }

  private async closeSubscription(): Promise<void> {
    const { batcher } = this;
    this.batcher = undefined;
    await batcher?.close();
  }

  private async catchUpByReading(): Promise<void> {
    for await (const page of logPages(this.store, { after: keptPosition(this.position()), pageSize: this.batchSize })) {
      this.commitOrFail(page);
      if (this.failed !== undefined) throw this.failed;
    }
  }

  private commitOrFail(events: readonly RecordedEvent[]): void {
    try {
      this.commit(events);
    } catch (error) {
      // Keep the events before the failing one, so position() tells exactly where it stopped.
      if (error instanceof ProjectionFailed && events.length > 1) {
        const before = events.filter((event) => event.position < error.event.position);
        if (before.length > 0) this.commitOrFail(before);
      }
      this.fail(error);
    }
  }

  private commit(events: readonly RecordedEvent[]): void {
    const { db, checkpoints: table } = this.openFile();
    const checkpoints = new Map(this.checkpoints);
    const changes: PublishedChange[] = [];
    db.transaction(() => {
      for (const event of events) {
        for (const projection of this.projections) {
          if (event.position <= (checkpoints.get(projection.name) ?? -1)) continue;
          if (matchesFilter(projection.filter, event)) {
            // Fields copied one by one: an object spread per change costs a third of catch-up speed.
            for (const { name, tenants, payload } of applyOne(db, projection, event)) {
              changes.push({ name, tenants, payload, position: event.position });
            }
          }
          checkpoints.set(projection.name, event.position);
        }
      }
      for (const { name, version } of this.projections) {
        const position = checkpoints.get(name) ?? -1;
        if (position !== this.checkpoints.get(name)) table.set(name, { version, position });
      }
      this.journal?.record(db, changes);
    }).immediate();
    this.checkpoints = checkpoints;
    this.processed = Math.max(this.processed, events.at(-1)?.position ?? -1);
    this.counts = { applied: this.counts.applied + events.length, batches: this.counts.batches + 1 };
    for (const change of changes) this.publish(change);
    this.waiters.reached(this.position());
    if (this.waiters.waiting) this.batcher?.hurry();
  }

  private publish(change: PublishedChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error({ err: error, change: change.name, position: change.position }, 'a read-model change listener threw');
      }
    }
  }

  private fail(error: unknown): void {
    if (this.failed !== undefined) return;
    const failure =
      error instanceof TetherError ? error : new TetherError('unavailable', `projection runner failed: ${String(error)}`);
    this.failed = failure;
    const where = error instanceof ProjectionFailed ? { projection: error.projection, ...error.event } : {};
    this.logger.error({ err: error, ...where }, `projection runner stopped: ${failure.message}`);
    this.closeSubscription().catch((closeError: unknown) => {
      this.logger.error({ err: closeError }, 'closing the $all subscription failed');
    });
    this.waiters.rejectAll(failure);
  }
}

function applyOne(db: Database, projection: Projection, event: RecordedEvent): readonly ReadModelChange[] {
  try {
    return projection.apply(db, event);
  } catch (error) {
    throw new ProjectionFailed(projection.name, event, error);
  }
}
