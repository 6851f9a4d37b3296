// One event of a session's stream as its timeline shows it: what happened, who did it, from
// where and when. The link token's hash is redacted, as in every view of an event that leaves the hub.
import type { RecordedEvent } from '../domain/ports/event-store.js';
import type { Principal } from '../domain/principal.js';
import { redactSecrets } from '../domain/secret-fields.js';

export interface SessionTimelineEntry {
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly who: Principal;
  readonly ip?: string;
  readonly at: string;
  /** The request (x-request-id) that caused it, when it came through the API. */
  readonly correlationId: string;
}

export function sessionTimelineEntry(event: RecordedEvent): SessionTimelineEntry {
  const data = redactSecrets(event.type, event.data);
  const { actor, ip, at, correlationId } = event.metadata;
  return {
    revision: event.revision,
    position: event.position,
    type: event.type,
    data,
    who: actor,
    ...(ip === undefined ? {} : { ip }),
    at,
    correlationId,
  };
}
