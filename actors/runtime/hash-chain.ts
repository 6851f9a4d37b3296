// Each event's hash covers its stream position, content and the previous event's hash,
// so altering, dropping or reordering any stored event breaks every later link.
import { createHash } from 'node:crypto';
import type { EventMetadata } from '../../domain/event-metadata.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';

export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted, so equal content always hashes equally. Built with loops and
 * one string, not entries/filter/map/join: it runs for every appended event, and the array
 * version was a tenth of a device's hello.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as `<` does on strings.
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const field = object[key];
    if (field === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(field)}`;
    first = false;
  }
  return `${out}}`;
}

export interface ChainedContent {
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Omit<EventMetadata, 'hash'>;
}

export function hashEvent({ stream, revision, type, data, metadata }: ChainedContent): string {
  // Picked field by field: a caller may pass a recorded event, whose position is not chained.
  return createHash('sha256').update(canonicalJson({ stream, revision, type, data, metadata })).digest('hex');
}

export interface ChainBreak {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly reason: 'previous-hash-mismatch' | 'hash-mismatch';
}

/** Checks one stream's events in revision order; returns the first event that does not match. */
export function verifyChain(events: readonly RecordedEvent[]): ChainBreak | undefined {
  let previous = genesisHash;
  for (const event of events) {
    const { hash, ...rest } = event.metadata;
    const at = { stream: event.stream, revision: event.revision, position: event.position };
    if (rest.previousHash !== previous) return { ...at, reason: 'previous-hash-mismatch' };
    const expected = hashEvent({ stream: event.stream, revision: event.revision, type: event.type, data: event.data, metadata: rest });
    if (hash !== expected) return { ...at, reason: 'hash-mismatch' };
    previous = hash;
  }
  return undefined;
}
