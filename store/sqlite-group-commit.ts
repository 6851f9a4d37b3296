// Appends that arrive together share one write transaction: the commit, not the insert,
// is what costs, so concurrent writers pay for it once per batch instead of once each.
import type Database from 'better-sqlite3';
import { isTetherError, TetherError } from '../domain/errors.js';
import type { AppendResult, ExpectedRevision } from '../domain/ports/event-store.js';
import { WrongExpectedVersion } from '../domain/ports/event-store.js';
import type { SqliteStatements, StreamTip } from './sqlite-schema.js';

/** An event already checked and serialised, so the transaction only binds strings. */
export interface SerialisedEvent {
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface PendingAppend {
  readonly stream: string;
  readonly events: readonly SerialisedEvent[];
  readonly expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: TetherError };

const noTip: StreamTip = { revision: -1, position: -1 };

export class GroupCommit {
  private queue: PendingAppend[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private readonly writeBatch: (batch: readonly PendingAppend[]) => Outcome[];
  transactions = 0;
  appends = 0;
  events = 0;

  constructor(
    db: Database.Database,
    private readonly statements: SqliteStatements,
    /** Called after a commit that wrote events, with the newest position. */
    private readonly onCommit: (position: number) => void,
  ) {
    const transaction = db.transaction((batch: readonly PendingAppend[]) => this.write(batch));
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
    try {
      outcomes = this.writeBatch(batch);
    } catch (error) {
      const failure = isTetherError(error)
        ? error
        : new TetherError('unavailable', `event store write failed: ${error instanceof Error ? error.message : String(error)}`);
      for (const append of batch) append.reject(failure);
      return;
    }
    this.transactions++;
    let newest = -1;
    outcomes.forEach((outcome, i) => {
      const append = batch[i];
      if (append === undefined) return;
      if (outcome.ok) {
        this.appends++;
        this.events += append.events.length;
        if (append.events.length > 0) newest = Math.max(newest, outcome.result.position);
        append.resolve(outcome.result);
      } else {
        append.reject(outcome.error);
      }
    });
    if (newest >= 0) this.onCommit(newest);
  }

  /** Runs inside the transaction; each check sees the appends before it in the same batch. */
  private write(batch: readonly PendingAppend[]): Outcome[] {
    const tips = new Map<string, StreamTip>();
    return batch.map((append): Outcome => {
      const tip = tips.get(append.stream) ?? this.statements.streamTip.get(append.stream) ?? noTip;
      const error = checkExpected(append, tip);
      if (error !== undefined) return { ok: false, error };
      let { revision, position } = tip;
      for (const event of append.events) {
        revision++;
        position = Number(this.statements.insert.run(append.stream, revision, event.type, event.data, event.metadata).lastInsertRowid);
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
