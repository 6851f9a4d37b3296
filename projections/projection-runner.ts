// Feeds every stored event, in $all order, to the node's read models. Rows and checkpoints
// change in one better-sqlite3 transaction (apply-batch.ts); changes are published only after
// it committed. Catch-up applies many events per transaction; live events follow the previous
// transaction by a few milliseconds at least, unless someone waits for them
// (subscription-batcher.ts).
import { TetherError } from '../domain/errors.js';
import type { EventStore, RecordedEvent } from '../domain/ports/event-store.js';
import { keptPosition } from '../domain/ports/event-store.js';
import { logPages } from '../domain/ports/log-pages.js';
import { applyBatch } from './apply-batch.js';
import type { ChangeJournal } from './change-log/change-journal.js';
import { ChangeListeners } from './change-listeners.js';
import { PositionWaiters } from './position-waiters.js';
import type { Database, Projection, PublishedChange } from './projection.js';
import { ProjectionFailed } from './projection-failed.js';
import { openReadModelFile, resetProjection, type ReadModelFile } from './read-model-file.js';
import { resumePositions } from './resume-positions.js';
import { consoleLogger, type RunnerLogger } from './runner-logger.js';
import { SubscriptionBatcher, type BatchLimits } from './subscription-batcher.js';

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

export class ProjectionRunner {
  private readonly store: EventStore;
  private readonly file: string;
  private readonly projections: readonly Projection[];
  private readonly logger: RunnerLogger;
  private readonly limits: BatchLimits;
  private readonly journal: ChangeJournal | undefined;
  private opened: ReadModelFile | undefined;
  private checkpoints = new Map<string, number>();
  /** Last position processed; what position() reports when there is no projection. */
  private processed = -1;
  /** Between start() and stop(): the runner follows $all (unless it failed). */
  private started = false;
  private batcher: SubscriptionBatcher | undefined;
  private readonly listeners: ChangeListeners;
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
    this.listeners = new ChangeListeners(this.logger);
    this.limits = { size: Math.max(1, options.batchSize ?? 1000), spacingMs: Math.max(0, options.liveSpacingMs ?? 10) };
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
      const resumed = resumePositions(checkpoints, identity, this.projections, this.logger);
      for (const projection of this.projections) {
        const position = resumed.get(projection.name);
        if (position === undefined) {
          this.reset(projection);
        } else {
          projection.migrate(db);
          this.checkpoints.set(projection.name, position);
        }
      }
      this.journal?.migrate(db, this.position());
      if (resumed.size < this.projections.length) this.journal?.reset(db, Math.max(-1, ...this.checkpoints.values()));
    }).immediate();
    this.subscribe();
  }

  onChange(listener: (change: PublishedChange) => void): () => void {
    return this.listeners.add(listener);
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

  private open(): ReadModelFile {
    this.opened ??= openReadModelFile(this.file);
    return this.opened;
  }

  private openFile(): ReadModelFile {
    if (this.opened === undefined) throw new TetherError('unavailable', 'the read models are not open');
    return this.opened;
  }

  private close(): void {
    this.opened?.db.close();
    this.opened = undefined;
    this.checkpoints = new Map();
  }

  private reset(projection: Projection): void {
    resetProjection(this.openFile(), projection);
    this.checkpoints.set(projection.name, -1);
  }

  private subscribe(): void {
    const from = this.position();
    const subscription = this.store.subscribeToAll({ after: keptPosition(from) });
    this.batcher = new SubscriptionBatcher(subscription, this.limits, {
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
    for await (const page of logPages(this.store, { after: keptPosition(this.position()), pageSize: this.limits.size })) {
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
    const { checkpoints, changes } = applyBatch(this.openFile(), this.projections, this.checkpoints, events, this.journal);
    this.checkpoints = checkpoints;
    this.processed = Math.max(this.processed, events.at(-1)?.position ?? -1);
    this.counts = { applied: this.counts.applied + events.length, batches: this.counts.batches + 1 };
    for (const change of changes) this.listeners.publish(change);
    this.waiters.reached(this.position());
    if (this.waiters.waiting) this.batcher?.hurry();
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
