// Start-up needs several facts from the whole log (which deadlines to re-arm, which
// connections and links a crashed run left open). Each is a reader; one pass feeds them all,
// since on a large log the reading, not the deciding, is what a restart waits for.
import { beforeFirst } from '../../domain/ports/event-store.js';
import type { EventStore, Position, RecordedEvent } from '../../domain/ports/event-store.js';
import { logPages } from '../../domain/ports/log-pages.js';

export interface LogReader {
  read(event: RecordedEvent): void;
}

const pageSize = 1000;

/**
 * Reads the log from the start to its current end once, handing every event to every reader.
 * Returns the position of the last event read: what is appended later is followed from there.
 */
export async function scanLog(store: EventStore, readers: readonly LogReader[]): Promise<Position> {
  let readTo = beforeFirst;
  // Read, not subscribe: a filtered subscription never says when it has caught up.
  for await (const page of logPages(store, { pageSize })) {
    for (const event of page) for (const reader of readers) reader.read(event);
    readTo = page.at(-1)?.position ?? readTo;
  }
  return readTo;
}

/** The names of the streams of some categories, e.g. those whose deadlines must be re-armed. */
export class CategoryStreams implements LogReader {
  private readonly found = new Map<string, Set<string>>();

  constructor(categories: readonly string[]) {
    for (const category of categories) this.found.set(`${category}-`, new Set());
  }

  read(event: RecordedEvent): void {
    const dash = event.stream.indexOf('-');
    this.found.get(event.stream.slice(0, dash + 1))?.add(event.stream);
  }

  of(category: string): ReadonlySet<string> {
    return this.found.get(`${category}-`) ?? new Set();
  }
}

/** The streams of one category, in the order they began. */
export async function categoryStreams(store: EventStore, category: string): Promise<ReadonlySet<string>> {
  const reader = new CategoryStreams([category]);
  await scanLog(store, [reader]);
  return reader.of(category);
}
