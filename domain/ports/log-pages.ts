// The one way to read the store a page at a time, so no caller writes its own paging loop.
// The global log: each page starts after the last event of the one before, never at a computed
// position. One stream: each page starts one revision after the last of the one before.
import type { EventStore, Position, RecordedEvent } from './event-store.js';
import { StreamNotFound } from './event-store.js';

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

export interface StreamPagesOptions {
  /** Inclusive; default: the stream's first event. */
  readonly fromRevision?: number;
  readonly pageSize: number;
}

/** The stream from `fromRevision` to its end as each read finds it; no page is empty, a stream that does not exist has none. */
export async function* streamPages(
  store: Pick<EventStore, 'readStream'>,
  stream: string,
  options: StreamPagesOptions,
): AsyncGenerator<readonly RecordedEvent[]> {
  for (let next = options.fromRevision ?? 0; ; ) {
    let page: readonly RecordedEvent[];
    try {
      page = await store.readStream(stream, { fromRevision: next, maxCount: options.pageSize });
    } catch (error) {
      if (error instanceof StreamNotFound) return;
      throw error;
    }
    const last = page.at(-1);
    if (last === undefined) return;
    yield page;
    if (page.length < options.pageSize) return;
    next = last.revision + 1;
  }
}
