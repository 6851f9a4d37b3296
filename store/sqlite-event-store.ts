// The embedded EventStore: one SQLite file (WAL), shareable by several processes on one
// machine. The global position is the rowid; (stream, revision) is unique.
import type Database from 'better-sqlite3';
import { TetherError } from '../domain/errors.js';
import type {
  AllSubscription,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../domain/ports/event-store.js';
import { StreamNotFound } from '../domain/ports/event-store.js';
import { assertStreamName } from '../domain/stream-name.js';
import { assertAppendSize, assertValidAppend } from './event-validation.js';
import { AppendNotifier } from './sqlite-append-notifier.js';
import { GroupCommit } from './sqlite-group-commit.js';
import { LatestCommit } from './sqlite-latest-commit.js';
import { toRecordedEvent } from './sqlite-rows.js';
import type { EventRow, Fsync, SqliteStatements } from './sqlite-schema.js';
import { openDatabase, preparePage, prepareStatements } from './sqlite-schema.js';
import { SqlitePositions } from './sqlite-positions.js';
import { SqliteSubscription } from './sqlite-subscription.js';

export interface SqliteEventStoreOptions {
  readonly file: string;
  /** 'normal' (default) survives a crash of the process; 'full' also a power loss. */
  readonly fsync?: Fsync;
  /** How often live subscriptions look for appends of other processes; default 25 ms. */
  readonly pollIntervalMs?: number;
  /**
   * For tests: positions are rowid × stride instead of the rowid (default 1), so that a
   * position computed by adding to another is no event's and is refused, as on EventStoreDB.
   */
  readonly positionStride?: number;
}

export interface SqliteEventStoreStats {
  /** Write transactions committed: fewer than appends when group commit batches them. */
  readonly transactions: number;
  readonly appends: number;
  readonly events: number;
  /** Open subscriptions. */
  readonly subscriptions: number;
}

const defaultPollIntervalMs = 25;
const noLimit = -1;

export class SqliteEventStore implements EventStore {
  private readonly statements: SqliteStatements;
  private readonly notifier: AppendNotifier;
  private readonly commits: GroupCommit;
  private readonly latest: LatestCommit;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly positions: SqlitePositions;
  private closed = false;

  private constructor(private readonly db: Database.Database, pollIntervalMs: number, positionStride: number) {
    this.statements = prepareStatements(db);
    this.positions = new SqlitePositions(positionStride, (rowid) => this.statements.stored.get(rowid) !== undefined);
    this.notifier = new AppendNotifier(() => this.readHead(), pollIntervalMs);
    this.latest = new LatestCommit(() => this.statements.dataVersion.get() ?? -1);
    this.commits = new GroupCommit(db, this.statements, (rows, dataVersion) => {
      this.latest.committed(rows, dataVersion);
      this.notifier.advanced(rows.at(-1)?.position ?? -1);
    });
  }

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    const pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
    if (!Number.isFinite(pollIntervalMs) || pollIntervalMs <= 0) {
      throw new TetherError('validation_failed', `pollIntervalMs must be a positive number, got ${pollIntervalMs}`);
    }
    return new SqliteEventStore(openDatabase(options.file, options.fsync ?? 'normal'), pollIntervalMs, options.positionStride ?? 1);
  }

  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(stream, events);
    assertExpectedRevision(expected);
    const serialised = events.map((event) => ({
      type: event.type,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata),
    }));
    assertAppendSize(serialised);
    return new Promise<AppendResult>((resolve, reject) => {
      this.commits.enqueue({
        stream,
        events: serialised,
        expected,
        resolve: ({ nextRevision, position }) => resolve({ nextRevision, position: this.positions.of(position) }),
        reject,
      });
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(stream);
    const limit = limitOf(options.maxCount);
    const from = options.fromRevision;
    assertRevisionOption(from);
    const direction = options.direction ?? 'forwards';
    // Reading on from a revision already held is how actors catch up, and they are most often
    // up to date already: the stream's tip alone says so, in one lookup instead of two.
    if (direction === 'forwards' && typeof from === 'number' && from > 0) {
      const tip = this.statements.streamTip.get(stream);
      if (tip === undefined) throw new StreamNotFound(stream);
      if (tip.revision < from) return [];
    }
    const rows = this.streamRows(stream, direction, from, limit);
    if (rows.length === 0 && this.statements.streamTip.get(stream) === undefined) throw new StreamNotFound(stream);
    return rows.map((row) => toRecordedEvent(row, this.positions));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const after = this.positions.rowidAfter(options.after);
    const rows = this.statements.readAll.all(after, limitOf(options.maxCount));
    return rows.map((row) => toRecordedEvent(row, this.positions));
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.assertOpen();
    const { after } = options;
    // 'end' is fixed now, so an append made right after subscribing is delivered.
    const cursor = after === 'end' ? Math.max(0, this.readHead()) : this.positions.rowidAfter(after);
    const prefixes = options.filter?.streamPrefixes ?? [];
    const types = options.filter?.eventTypes ?? [];
    const subscription = new SqliteSubscription(
      {
        notifier: this.notifier,
        positions: this.positions,
        head: () => this.readHead(),
        latest: (after, upTo) => this.latest.between(after, upTo),
        onClose: (closed) => this.subscriptions.delete(closed),
      },
      preparePage(this.db, prefixes, types),
      cursor,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position> {
    this.assertOpen();
    return this.positions.of(this.readHead());
  }

  async identity(): Promise<string> {
    this.assertOpen();
    return `sqlite:${this.statements.identity.get() ?? ''}`;
  }

  /** Ends every subscription, commits what was accepted, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.notifier.stop();
    this.commits.flush();
    this.db.close();
  }

  stats(): SqliteEventStoreStats {
    return {
      transactions: this.commits.transactions,
      appends: this.commits.appends,
      events: this.commits.events,
      subscriptions: this.subscriptions.size,
    };
  }

  private streamRows(
    stream: string,
    direction: 'forwards' | 'backwards',
    from: number | 'start' | 'end' | undefined,
    limit: number,
  ): EventRow[] {
    if (direction === 'backwards') {
      const revision = from === undefined || from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : from;
      return this.statements.readBackwards.all(stream, revision, limit);
    }
    // As in EventStoreDB: forwards from the end there is nothing yet.
    if (from === 'end') return [];
    return this.statements.readForwards.all(stream, from === undefined || from === 'start' ? 0 : from, limit);
  }

  private readHead(): number {
    return this.statements.head.get() ?? -1;
  }

  private assertOpen(): void {
    if (this.closed) throw new TetherError('unavailable', 'the event store is closed');
  }
}

function assertExpectedRevision(expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new TetherError('validation_failed', `expected revision must be 'any', 'no_stream', 'stream_exists' or a revision >= 0, got ${String(expected)}`);
  }
}

function assertRevisionOption(value: number | 'start' | 'end' | undefined): void {
  if (value === undefined || value === 'start' || value === 'end') return;
  if (!Number.isSafeInteger(value)) throw new TetherError('validation_failed', `fromRevision must be an integer, 'start' or 'end'`);
}

function limitOf(maxCount: number | undefined): number {
  if (maxCount === undefined) return noLimit;
  if (!Number.isSafeInteger(maxCount) || maxCount < 0) {
    throw new TetherError('validation_failed', `maxCount must be a non-negative integer, got ${String(maxCount)}`);
  }
  return maxCount;
}
