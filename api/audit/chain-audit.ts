// Checks the per-stream hash chains page by page, in store order, remembering only each
// stream's last hash: the whole store is verified without holding it in memory.
import { genesisHash, hashEvent } from '../../actors/runtime/hash-chain.js';
import type { ChainBreak } from '../../actors/runtime/hash-chain.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { storePages } from './audit-log.js';
import type { StreamVisibility } from './stream-visibility.js';

export type ChainVerdict =
  | { readonly ok: true; readonly streams: number; readonly events: number }
  | { readonly ok: false; readonly firstBreak: ChainBreak };

/**
 * The link rule of verifyChain (actors/runtime/hash-chain.ts), one event at a time: the event names
 * the previous event's hash, and its own hash matches its content.
 */
export function checkLink(previousHash: string, event: RecordedEvent): ChainBreak | undefined {
  const { hash, ...rest } = event.metadata;
  const at = { stream: event.stream, revision: event.revision, position: event.position };
  if (rest.previousHash !== previousHash) return { ...at, reason: 'previous-hash-mismatch' };
  const expected = hashEvent({ stream: event.stream, revision: event.revision, type: event.type, data: event.data, metadata: rest });
  return hash === expected ? undefined : { ...at, reason: 'hash-mismatch' };
}

/** One stream, or every stream the principal may see; the first break in store order. */
export async function verifyChains(store: EventStore, visible: StreamVisibility, stream?: string): Promise<ChainVerdict> {
  const lastHashes = new Map<string, string>();
  // Each stream's verdict is asked once: a stream must be checked from its first event or not at all.
  const skipped = new Set<string>();
  let events = 0;
  for await (const page of storePages(store, stream)) {
    for (const event of page) {
      if (skipped.has(event.stream)) continue;
      const previous = lastHashes.get(event.stream);
      if (previous === undefined && !(await visible(event.stream))) {
        skipped.add(event.stream);
        continue;
      }
      const broken = checkLink(previous ?? genesisHash, event);
      if (broken !== undefined) return { ok: false, firstBreak: broken };
      lastHashes.set(event.stream, event.metadata.hash);
      events += 1;
    }
  }
  return { ok: true, streams: lastHashes.size, events };
}
