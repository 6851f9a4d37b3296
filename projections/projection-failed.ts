import type { RecordedEvent } from '../domain/ports/event-store.js';
import { TetherError } from '../domain/errors.js';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A projection threw on a stored event. The runner stops there rather than skip it,
 * because a read model that silently misses an event is wrong forever after.
 * The code is 'unavailable': the read model cannot move on until the bug is fixed.
 */
export class ProjectionFailed extends TetherError {
  override readonly cause: unknown;
  /** Where it failed; the event's data stays out, it may hold secrets such as hashes. */
  readonly event: Pick<RecordedEvent, 'stream' | 'revision' | 'position' | 'type'>;

  constructor(
    readonly projection: string,
    event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      'unavailable',
      `projection ${projection} failed on ${event.type} at position ${event.position} (${event.stream}@${event.revision}): ${messageOf(cause)}`,
      cause instanceof TetherError ? cause.details : [],
    );
    this.name = 'ProjectionFailed';
    this.event = { stream: event.stream, revision: event.revision, position: event.position, type: event.type };
    this.cause = cause;
  }
}
