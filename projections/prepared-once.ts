// better-sqlite3 compiles SQL on every prepare(): on a projection's hot path (two events per
// device in a connect storm) compiling cost more than running. Statements are kept per open
// read-model file and go with it; a file reopened (e.g. for a rebuild) gets its own.
import type { Database } from './projection.js';

/** `prepare`, run once per database handle; later calls return what it returned. */
export function preparedOnce<T>(prepare: (db: Database) => T): (db: Database) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    const cached = cache.get(db);
    if (cached !== undefined) return cached;
    const prepared = prepare(db);
    cache.set(db, prepared);
    return prepared;
  };
}
