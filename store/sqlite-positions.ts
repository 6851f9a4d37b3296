// How the SQLite store's rowids appear as port positions. By default a position is the rowid;
// a stride (for tests) spaces them out, so that code adding to a position reads from no
// event's position and is refused, as it would be on EventStoreDB.
import { TetherError } from '../domain/errors.js';
import { beforeFirst } from '../domain/ports/event-store.js';
import type { Position } from '../domain/ports/event-store.js';

/** The rowid cursor before the first event (rowids start at 1). */
const startRowid = 0;

export class SqlitePositions {
  constructor(
    private readonly stride: number,
    /** Whether an event with this rowid is stored. */
    private readonly stored: (rowid: number) => boolean,
  ) {
    if (!Number.isSafeInteger(stride) || stride < 1) throw new TetherError('invalid_configuration', `the position stride must be a whole number >= 1, got ${stride}`);
  }

  /** The port position of a stored row (or of the head: -1 when empty). */
  of(rowid: number): Position {
    return (rowid < 0 ? beforeFirst : rowid * this.stride) as Position;
  }

  /** The rowid a read after `position` starts after; refuses a position no event has. */
  rowidAfter(position: Position | undefined): number {
    if (position === undefined || position === beforeFirst) return startRowid;
    const rowid = position / this.stride;
    if (!Number.isSafeInteger(rowid) || rowid <= 0 || !this.stored(rowid)) {
      throw new TetherError('invalid_position', `position ${String(position)} is no event's: read after a position the store gave out`, ['after']);
    }
    return rowid;
  }
}
