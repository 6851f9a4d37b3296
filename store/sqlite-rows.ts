// Turns a stored row back into an event; a row that does not parse is reported, never skipped.
import { EventMetadata } from '../domain/event-metadata.js';
import { TetherError } from '../domain/errors.js';
import type { RecordedEvent } from '../domain/ports/event-store.js';
import type { SqlitePositions } from './sqlite-positions.js';
import type { EventRow } from './sqlite-schema.js';

export function toRecordedEvent(row: EventRow, positions: SqlitePositions): RecordedEvent {
  const data = parseObject(row, row.data, 'data');
  const metadata = parseObject(row, row.metadata, 'metadata');
  if (!EventMetadata.is(metadata)) throw corrupt(row, 'metadata lacks the required fields');
  return { stream: row.stream, revision: row.revision, position: positions.of(row.position), type: row.type, data, metadata };
}

function parseObject(row: EventRow, text: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(row, `${field} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corrupt(row, `${field} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function corrupt(row: EventRow, problem: string): TetherError {
  return new TetherError(
    'corrupt_event',
    `stored event ${row.stream}@${row.revision} (position ${row.position}): ${problem}`,
    [row.stream, String(row.revision), String(row.position)],
  );
}
