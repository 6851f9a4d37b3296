// The metadata every appended event carries, each event's hash chained to the one before it
// in its stream (hash-chain.ts), so a rewritten history shows.
import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '../../domain/event-metadata.js';
import type { EventToAppend } from '../../domain/ports/event-store.js';
import type { CommandContext } from '../../domain/command-context.js';
import { hashEvent } from './hash-chain.js';

/** Where a stream stands before the append: its last revision (-1: none) and that event's hash. */
export interface StreamHead {
  readonly revision: number;
  readonly lastHash: string;
}

export function chainEvents(
  stream: string,
  head: StreamHead,
  events: readonly { type: string; data: Record<string, unknown> }[],
  context: CommandContext,
  now: Date,
): EventToAppend[] {
  const correlationId = context.correlationId ?? randomUUID();
  let previousHash = head.lastHash;
  return events.map((event, i) => {
    const unhashed: Omit<EventMetadata, 'hash'> = {
      actor: context.principal,
      correlationId,
      causationId: context.causationId ?? correlationId,
      at: now.toISOString(),
      previousHash,
      ...(context.ip === undefined ? {} : { ip: context.ip }),
    };
    const hash = hashEvent({ stream, revision: head.revision + 1 + i, type: event.type, data: event.data, metadata: unhashed });
    previousHash = hash;
    return { type: event.type, data: event.data, metadata: { ...unhashed, hash } };
  });
}
