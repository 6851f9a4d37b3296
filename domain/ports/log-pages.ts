// The one way to read the global log a page at a time: each page starts after the last
// event of the one before, never at a computed position.
import type { EventStore, Position, RecordedEvent } from './event-store.js';

export interface LogPagesOptions {
  /** Exclusive; default: from the first event. */
  readonly after?: Position;
  readonly pageSize: number;
}

/** The log after `after` to its end as each read finds it; no page is empty. */
export async function* logPages(store: Pick<EventStore, 'readAll'>, options: LogPagesOptions): AsyncGenerator<readonly RecordedEvent[]> {
  let { after } = options;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: options.pageSize });
    const last = page.at(-1);
    if (last === undefined) return;
    yield page;
    if (page.length < options.pageSize) return;
    after = last.position;
  }
}
