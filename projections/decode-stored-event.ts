import * as t from 'io-ts';
import { TetherError } from '../domain/errors.js';
import type { RecordedEvent } from '../domain/ports/event-store.js';

/** A stored event that fails its codec is corrupt: an error, never a skip. */
export function decodeStoredEvent<A>(codec: t.Decoder<unknown, A>, event: RecordedEvent): A {
  const result = codec.decode({ type: event.type, data: event.data });
  if (result._tag === 'Right') return result.right;
  throw new TetherError(
    'corrupt_event',
    `stored event ${event.stream}@${event.revision} (${event.type}) fails its codec`,
    [...new Set(result.left.map(pathOf))],
  );
}

// Unions and intersections add their member's index to the context: not part of the path.
function pathOf(error: t.ValidationError): string {
  return error.context
    .filter((entry, index) => {
      const parent = error.context[index - 1]?.type;
      return entry.key !== '' && !(parent instanceof t.UnionType || parent instanceof t.IntersectionType);
    })
    .map((entry) => entry.key)
    .join('.');
}
