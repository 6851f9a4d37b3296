// A stream read a page at a time, so a long stream is never held whole.
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { StreamNotFound } from '../../domain/ports/event-store.js';

export const pageSize = 1000;

/** Up to a page of the stream's events from `fromRevision`; none when the stream does not exist. */
export async function streamPage(store: EventStore, stream: string, fromRevision: number): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(stream, { fromRevision, maxCount: pageSize });
  } catch (error) {
    if (error instanceof StreamNotFound) return [];
    throw error;
  }
}

export async function* streamPages(store: EventStore, stream: string, fromRevision: number): AsyncGenerator<RecordedEvent[]> {
  for (let next = fromRevision; ; next += pageSize) {
    const page = await streamPage(store, stream, next);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
  }
}
