// The recent changes the read models published, kept in the read-model file beside them, so
// a dashboard can resume from the last position it saw: after a reconnect, on another node
// (positions are global) or after a restart. Only the most recent ones are kept; a client
// further behind starts again from a snapshot.
import { preparedOnce } from '../prepared-once.js';
import type { Database, PublishedChange } from '../projection.js';
import type { ChangeJournal } from './change-journal.js';
import { createChangeLogTables } from './change-log-tables.js';
import type { LoggedChange } from './logged-change.js';

export interface ChangeLogOptions {
  /** About how many of the latest changes are kept; default 20 000. */
  readonly retain?: number;
}

/** Where a read of the log starts: after this position and after this entry. */
export interface ChangeLogCursor {
  readonly position: number;
  readonly id: number;
}

interface ChangeRow {
  readonly id: number;
  readonly position: number;
  readonly name: string;
  readonly tenants: string;
  readonly payload: string;
}

const statementsOf = preparedOnce((db) => ({
  floor: db.prepare<[], number>('SELECT floor FROM change_log WHERE id = 1').pluck(),
  setFloor: db.prepare<[number]>('UPDATE change_log SET floor = ? WHERE id = 1'),
  insert: db.prepare<[number, string, string, string]>('INSERT INTO changes (position, name, tenants, payload) VALUES (?, ?, ?, ?)'),
  page: db.prepare<[number, number, number], ChangeRow>(
    'SELECT id, position, name, tenants, payload FROM changes WHERE position > ? AND id > ? ORDER BY id LIMIT ?',
  ),
  // Positions are trimmed whole, so the log never holds part of what one event changed.
  cutoff: db.prepare<[number], number>('SELECT position FROM changes ORDER BY id DESC LIMIT 1 OFFSET ?').pluck(),
  trim: db.prepare<[number]>('DELETE FROM changes WHERE position <= ?'),
  clear: db.prepare('DELETE FROM changes'),
}));

export class ChangeLog implements ChangeJournal {
  readonly retain: number;
  private readonly trimEvery: number;
  private sinceTrim = 0;

  constructor(options: ChangeLogOptions = {}) {
    this.retain = Math.max(1, options.retain ?? 20_000);
    this.trimEvery = Math.max(1, Math.ceil(this.retain / 8));
  }

  migrate(db: Database, position: number): void {
    createChangeLogTables(db, position);
  }

  reset(db: Database, position: number): void {
    const statements = statementsOf(db);
    statements.clear.run();
    statements.setFloor.run(position);
  }

  record(db: Database, changes: readonly PublishedChange[]): void {
    const statements = statementsOf(db);
    // A projection rebuilt alone republishes positions the log was reset past: not kept.
    const floor = this.floor(db);
    for (const { position, name, tenants, payload } of changes) {
      if (position <= floor) continue;
      statements.insert.run(position, name, JSON.stringify(tenants), JSON.stringify(payload ?? null));
      this.sinceTrim += 1;
    }
    if (this.sinceTrim >= this.trimEvery) this.trim(db, floor);
  }

  /** Every change after this position is in the log. */
  floor(db: Database): number {
    return statementsOf(db).floor.get() ?? Number.MAX_SAFE_INTEGER;
  }

  /** Up to `limit` changes after the cursor, in order. */
  read(db: Database, after: ChangeLogCursor, limit: number): LoggedChange[] {
    return statementsOf(db)
      .page.all(after.position, after.id, limit)
      .map((row) => ({
        id: row.id,
        position: row.position,
        name: row.name,
        tenants: JSON.parse(row.tenants) as string[],
        payload: JSON.parse(row.payload) as unknown,
      }));
  }

  private trim(db: Database, floor: number): void {
    this.sinceTrim = 0;
    const statements = statementsOf(db);
    const cutoff = statements.cutoff.get(this.retain);
    if (cutoff === undefined) return;
    statements.trim.run(cutoff);
    statements.setFloor.run(Math.max(floor, cutoff));
  }
}
