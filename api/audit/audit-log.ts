// The store itself, page by page, narrowed by the audit filters. Pages are read on demand,
// so an export of a year holds one page in memory at a time, never the year.
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { logPages, streamPages } from '../../domain/ports/log-pages.js';
import { redactSecrets } from '../../domain/secret-fields.js';
import { categoryOf } from '../../domain/stream-name.js';
import type { StreamVisibility } from './stream-visibility.js';

export const auditPageSize = 1000;

export interface AuditFilter {
  readonly stream?: string;
  /** The stream name's prefix before the first '-', e.g. 'device'. */
  readonly category?: string;
  readonly type?: string;
  /** metadata.actor.id */
  readonly actor?: string;
  /** Inclusive bounds on metadata.at. */
  readonly from?: Date;
  readonly to?: Date;
}

/** What an export line holds of an event: everything stored but its secrets (domain/secret-fields.ts), position first. */
export interface AuditLine {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: RecordedEvent['data'];
  readonly metadata: RecordedEvent['metadata'];
}

/**
 * Every page of one stream (by revision) or of the whole store (by position). A stream that
 * does not exist has no pages.
 */
export async function* storePages(store: EventStore, stream?: string): AsyncGenerator<readonly RecordedEvent[]> {
  yield* stream === undefined ? logPages(store, { pageSize: auditPageSize }) : streamPages(store, stream, { pageSize: auditPageSize });
}

function matches(filter: AuditFilter, event: RecordedEvent): boolean {
  if (filter.category !== undefined && categoryOf(event.stream) !== filter.category) return false;
  if (filter.type !== undefined && event.type !== filter.type) return false;
  if (filter.actor !== undefined && event.metadata.actor.id !== filter.actor) return false;
  if (filter.from === undefined && filter.to === undefined) return true;
  // Each event's own time, not its position: hubs sharing a store append with their own clocks.
  const at = Date.parse(event.metadata.at);
  return !(filter.from !== undefined && at < filter.from.getTime()) && !(filter.to !== undefined && at > filter.to.getTime());
}

/** The events the filter and the principal's visibility let through, a page at a time, in store order. */
export async function* auditEvents(store: EventStore, filter: AuditFilter, visible: StreamVisibility): AsyncGenerator<AuditLine[]> {
  for await (const page of storePages(store, filter.stream)) {
    const lines: AuditLine[] = [];
    for (const event of page) {
      if (!matches(filter, event) || !(await visible(event.stream))) continue;
      const { position, stream, revision, type, data, metadata } = event;
      lines.push({ position, stream, revision, type, data: redactSecrets(type, data), metadata });
    }
    if (lines.length > 0) yield lines;
  }
}

/** NDJSON: one event per line, a page per chunk. */
export async function* ndjson(pages: AsyncIterable<readonly AuditLine[]>): AsyncGenerator<string> {
  for await (const lines of pages) yield lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}
