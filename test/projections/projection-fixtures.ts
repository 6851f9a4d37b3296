// Helpers for projection tests: a real SQLite event store and read-model file in a temp
// dir, events with fixed metadata, a projection that records every event it applies,
// and a logger that keeps what it was told.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend, RecordedEvent } from '../../domain/ports/event-store.js';
import type { Database, Projection } from '../../projections/projection.js';
import type { RunnerLogger } from '../../projections/runner-logger.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';

export interface Workspace {
  readonly dir: string;
  readonly store: SqliteEventStore;
  readonly readModels: string;
  dispose(): Promise<void>;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'tether-projections-'));
  const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  return {
    dir,
    store,
    readModels: join(dir, 'readmodels-test.db'),
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function event(type: string, data: Record<string, unknown> = {}, at = '2026-01-01T00:00:00.000Z'): EventToAppend {
  return {
    type,
    data,
    metadata: {
      actor: { id: 'admin-1', role: 'admin' },
      correlationId: 'correlation',
      causationId: 'causation',
      at,
      previousHash: '',
      hash: '',
    },
  };
}

export const things = (count: number, type = 'ThingHappened'): EventToAppend[] =>
  Array.from({ length: count }, (_, index) => event(type, { index }));

/**
 * Records each applied event in its table; `seen.position` is the primary key, so applying
 * an event twice fails the runner. `applied` counts the applications of this instance.
 */
export class SeenProjection implements Projection {
  readonly applied: RecordedEvent[] = [];

  constructor(
    readonly name = 'seen',
    readonly version = 1,
    readonly failOn?: string,
  ) {}

  get table(): string {
    return `${this.name}_events`;
  }

  migrate(db: Database): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, type TEXT NOT NULL)`);
  }

  drop(db: Database): void {
    db.exec(`DROP TABLE IF EXISTS ${this.table}`);
  }

  apply(db: Database, recorded: RecordedEvent) {
    if (recorded.type === this.failOn) throw new Error(`${this.name} cannot digest ${recorded.type}`);
    db.prepare(`INSERT INTO ${this.table} (position, stream, type) VALUES (?, ?, ?)`).run(
      recorded.position,
      recorded.stream,
      recorded.type,
    );
    this.applied.push(recorded);
    return [{ name: `${this.name}.changed`, tenants: [recorded.stream], payload: { type: recorded.type } }];
  }
}

export const seenPositions = (db: Database, table = 'seen_events'): number[] =>
  db.prepare<[], number>(`SELECT position FROM ${table} ORDER BY position`).pluck().all();

/** Every row of the given tables, in a stable order, to compare two read-model files. */
export function dumpTables(db: Database, tables: readonly string[]): Record<string, unknown[]> {
  return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));
}

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly details: object;
  readonly message: string;
}

export function recordingLogger(): RunnerLogger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (details, message) => entries.push({ level: 'info', details, message }),
    warn: (details, message) => entries.push({ level: 'warn', details, message }),
    error: (details, message) => entries.push({ level: 'error', details, message }),
  };
}
