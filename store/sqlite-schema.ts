// The events table of the embedded store and the statements every operation reuses.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

/** How long a writer waits for another process's write lock before giving up. */
const busyTimeoutMs = 5000;

export type Fsync = 'normal' | 'full';

export interface EventRow {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface StreamTip {
  readonly revision: number;
  readonly position: number;
}

export interface SqliteStatements {
  readonly streamTip: Database.Statement<[string], StreamTip>;
  readonly insert: Database.Statement<[string, number, string, string, string]>;
  readonly head: Database.Statement<[], number | null>;
  readonly readForwards: Database.Statement<[string, number, number], EventRow>;
  readonly readBackwards: Database.Statement<[string, number, number], EventRow>;
  /** The events after a rowid, up to a count (-1: all). */
  readonly readAll: Database.Statement<[number, number], EventRow>;
  readonly identity: Database.Statement<[], string>;
  /** 1 if an event has this rowid. */
  readonly stored: Database.Statement<[number], number>;
  /** Changes whenever another connection commits to the file (not on this connection's commits). */
  readonly dataVersion: Database.Statement<[], number>;
}

const columns = 'position, stream, revision, type, data, metadata';

/**
 * WAL lets readers and one writer proceed together across processes. NORMAL keeps every
 * commit through a crash of the process (the WAL is in the OS page cache); FULL also
 * through a power loss, at the price of an fsync per commit.
 */
export function openDatabase(file: string, fsync: Fsync): Database.Database {
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${fsync === 'full' ? 'FULL' : 'NORMAL'}`);
    // AUTOINCREMENT: a position is never handed out twice, even after the newest row is gone.
    db.exec(`CREATE TABLE IF NOT EXISTS events (
      position INTEGER PRIMARY KEY AUTOINCREMENT,
      stream TEXT NOT NULL,
      revision INTEGER NOT NULL,
      type TEXT NOT NULL,
      data TEXT NOT NULL,
      metadata TEXT NOT NULL,
      UNIQUE (stream, revision)
    )`);
    // Made once, by whichever process opens the file first; every later one reads the same.
    db.exec('CREATE TABLE IF NOT EXISTS store_identity (id TEXT NOT NULL PRIMARY KEY, single INTEGER NOT NULL UNIQUE CHECK (single = 1))');
    db.prepare('INSERT OR IGNORE INTO store_identity (id, single) VALUES (?, 1)').run(randomUUID());
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function prepareStatements(db: Database.Database): SqliteStatements {
  return {
    streamTip: db.prepare<[string], StreamTip>(
      'SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
    ),
    insert: db.prepare<[string, number, string, string, string]>(
      'INSERT INTO events (stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?)',
    ),
    head: db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
    readForwards: db.prepare<[string, number, number], EventRow>(
      `SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ),
    readBackwards: db.prepare<[string, number, number], EventRow>(
      `SELECT ${columns} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    ),
    readAll: db.prepare<[number, number], EventRow>(
      `SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    ),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    stored: db.prepare<[number], number>('SELECT 1 FROM events WHERE position = ?').pluck(),
    identity: db.prepare<[], string>('SELECT id FROM store_identity').pluck(),
  };
}

/** The events of the global log a subscription's filter lets through. */
export interface PageQuery {
  /** Up to `limit` events after `cursor` up to `head` (inclusive), in position order. */
  read(cursor: number, head: number, limit: number): EventRow[];
  /** Whether the filter lets this event through: the same rule as read(), for rows already at hand. */
  matches(row: EventRow): boolean;
}

export function preparePage(db: Database.Database, prefixes: readonly string[], types: readonly string[]): PageQuery {
  const conditions = ['position > ?', 'position <= ?'];
  if (prefixes.length > 0) {
    conditions.push(`(${prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ')})`);
  }
  if (types.length > 0) conditions.push(`type IN (${types.map(() => '?').join(', ')})`);
  const statement = db.prepare<unknown[], EventRow>(
    `SELECT ${columns} FROM events WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT ?`,
  );
  const params = [...prefixes.flatMap((prefix) => [prefix.length, prefix]), ...types];
  // Stream names and event types are ASCII (stream-name.ts), so startsWith counts as substr does.
  return {
    read: (cursor, head, limit) => statement.all(cursor, head, ...params, limit),
    matches: (row) =>
      (prefixes.length === 0 || prefixes.some((prefix) => row.stream.startsWith(prefix))) && (types.length === 0 || types.includes(row.type)),
  };
}
