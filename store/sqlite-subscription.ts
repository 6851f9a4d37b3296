// Catch-up then live over the global log. SQLite serialises commits and hands out positions
// in commit order, so whatever a read sees is a gap-free prefix of the log: reading
// `position > cursor` again and again delivers every event once, in order, whoever appends.
import type { AllSubscription, RecordedEvent } from '../domain/ports/event-store.js';
import type { AppendNotifier } from './sqlite-append-notifier.js';
import type { SqlitePositions } from './sqlite-positions.js';
import { toRecordedEvent } from './sqlite-rows.js';
import type { EventRow, PageQuery } from './sqlite-schema.js';

/** Rows per read; pages are read only when the consumer asks, so a slow one holds one page. */
const pageSize = 128;

export interface SubscriptionSource {
  readonly notifier: AppendNotifier;
  readonly positions: SqlitePositions;
  /** Position of the newest event, -1 when empty. */
  head(): number;
  /** The rows after `after` up to `upTo` if this process just wrote exactly those, else undefined. */
  latest(after: number, upTo: number): readonly EventRow[] | undefined;
  onClose(subscription: SqliteSubscription): void;
}

const done: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class SqliteSubscription implements AllSubscription {
  private rows: EventRow[] = [];
  private next = 0;
  private closed = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly source: SubscriptionSource,
    private readonly page: PageQuery,
    /** A rowid: every event up to here has been read from the log (delivered or filtered out). */
    private cursor: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return {
      next: () => this.nextEvent(),
      return: async () => {
        await this.close();
        return done;
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rows = [];
    for (const wake of [...this.wakers]) {
      this.source.notifier.remove(wake);
      wake();
    }
    this.source.onClose(this);
  }

  private async nextEvent(): Promise<IteratorResult<RecordedEvent>> {
    for (;;) {
      if (this.closed) return done;
      const row = this.rows[this.next];
      if (row !== undefined) {
        const event = toRecordedEvent(row, this.source.positions);
        this.next++;
        return { done: false, value: event };
      }
      if (!this.readPage()) await this.appended();
    }
  }

  /** Reads the next page after the cursor; false when the log holds nothing new for us. */
  private readPage(): boolean {
    const head = this.source.head();
    if (head <= this.cursor) return false;
    const rows = this.latestRows(head) ?? this.page.read(this.cursor, head, pageSize);
    const last = rows[rows.length - 1];
    // A short page means every row up to `head` was read, even those the filter left out.
    this.cursor = rows.length < pageSize || last === undefined ? head : last.position;
    this.rows = rows;
    this.next = 0;
    return rows.length > 0;
  }

  /** The page from the commit this process just made, when that is what follows the cursor. */
  private latestRows(head: number): EventRow[] | undefined {
    const latest = this.source.latest(this.cursor, head);
    if (latest === undefined) return undefined;
    const rows: EventRow[] = [];
    for (const row of latest) {
      if (rows.length === pageSize) break;
      if (this.page.matches(row)) rows.push(row);
    }
    return rows;
  }

  private appended(): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.wakers.delete(wake);
        resolve();
      };
      this.wakers.add(wake);
      this.source.notifier.add(wake);
    });
  }
}
