// Appends that arrive together share one write transaction: the commit, not the insert,
// is what costs, so concurrent writers pay for it once per batch instead of once each.
import type Database from 'better-sqlite3';
import { isTetherError, TetherError } from '../domain/errors.js';
import type { ExpectedRevision } from '../domain/ports/event-store.js';
import { WrongExpectedVersion } from '../domain/ports/event-store.js';
import type { EventRow, SqliteStatements, StreamTip } from './sqlite-schema.js';

/** An event already checked and serialised, so the transaction only binds strings. */
export interface SerialisedEvent {
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** What an append wrote: its stream's last revision, and the rowid of its last event. */
export interface CommittedAppend {
  readonly nextRevision: number;
  readonly position: number;
}

export interface PendingAppend {
  readonly stream: string;
  readonly events: readonly SerialisedEvent[];
  readonly expected: ExpectedRevision;
  resolve(result: CommittedAppend): void;
  reject(error: unknown): void;
}

/** The appends one transaction writes, and what it wrote (kept only if it commits). */
interface Batch {
  readonly appends: readonly PendingAppend[];
  readonly rows: EventRow[];
  dataVersion: number;
}

type Outcome = { readonly ok: true; readonly result: CommittedAppend } | { readonly ok: false; readonly error: TetherError };

const noTip: StreamTip = { revision: -1, position: -1 };

export class GroupCommit {
  private queue: PendingAppend[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private readonly writeBatch: (batch: Batch) => Outcome[];
  transactions = 0;
  appends = 0;
  events = 0;

  constructor(
    db: Database.Database,
    private readonly statements: SqliteStatements,
    /**
     * Called after a commit that wrote events, with the rows it wrote in position order and the
     * file's data version as the transaction saw it (see SqliteStatements.dataVersion).
     */
    private readonly onCommit: (rows: readonly EventRow[], dataVersion: number) => void,
  ) {
    const transaction = db.transaction((batch: Batch) => this.write(batch));
    this.writeBatch = (batch) => transaction.immediate(batch);
  }

  enqueue(append: PendingAppend): void {
    this.queue.push(append);
    // setImmediate, not a microtask: writers woken by the previous commit get to queue first.
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes everything queued now; close() calls it so no accepted append is dropped. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    const written: Batch = { appends: batch, rows: [], dataVersion: -1 };
    try {
      outcomes = this.writeBatch(written);
    } catch (error) {
      const failure = isTetherError(error)
        ? error
        : new TetherError('unavailable', `event store write failed: ${error instanceof Error ? error.message : String(error)}`);
      for (const append of batch) append.reject(failure);
      return;
    }
    this.transactions++;
    outcomes.forEach((outcome, i) => {
      const append = batch[i];
      if (append === undefined) return;
      if (outcome.ok) {
        this.appends++;
        this.events += append.events.length;
        append.resolve(outcome.result);
      } else {
        append.reject(outcome.error);
      }
    });
    if (written.rows.length > 0) this.onCommit(written.rows, written.dataVersion);
  }

  /** Runs inside the transaction; each check sees the appends before it in the same batch. */
  private write(batch: Batch): Outcome[] {
    const { appends, rows } = batch;
    batch.dataVersion = this.statements.dataVersion.get() ?? -1;
    const tips = new Map<string, StreamTip>();
    return appends.map((append): Outcome => {
      const tip = tips.get(append.stream) ?? this.statements.streamTip.get(append.stream) ?? noTip;
      const error = checkExpected(append, tip);
      if (error !== undefined) return { ok: false, error };
      let { revision, position } = tip;
      for (const event of append.events) {
        revision++;
        position = Number(this.statements.insert.run(append.stream, revision, event.type, event.data, event.metadata).lastInsertRowid);
        rows.push({ position, stream: append.stream, revision, type: event.type, data: event.data, metadata: event.metadata });
      }
      const next = { revision, position };
      tips.set(append.stream, next);
      return { ok: true, result: { nextRevision: revision, position } };
    });
  }
}

function checkExpected({ stream, expected }: PendingAppend, tip: StreamTip): WrongExpectedVersion | undefined {
  const exists = tip.revision >= 0;
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' && !exists) ||
    (expected === 'stream_exists' && exists) ||
    (typeof expected === 'number' && expected === tip.revision && exists);
  return matches ? undefined : new WrongExpectedVersion(stream, expected, exists ? tip.revision : 'no_stream');
}
