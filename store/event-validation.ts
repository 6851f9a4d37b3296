// What every EventStore adapter refuses before it writes anything, so that all adapters
// reject the same appends with the same codes and a stored event always round-trips.
import { EventMetadata } from '../domain/event-metadata.js';
import { TetherError } from '../domain/errors.js';
import type { EventToAppend } from '../domain/ports/event-store.js';
import { assertStreamName, isEventType } from '../domain/stream-name.js';

/**
 * EventStoreDB's default maximum append size (--max-append-size), kept by every adapter: an
 * append SQLite takes, EventStoreDB takes too. Large documents go in chunks (catalog files).
 */
export const maxAppendBytes = 1024 * 1024;

/** What an append weighs: its events' types, data and metadata as JSON, in UTF-8 bytes. */
export function appendBytes(events: readonly { readonly type: string; readonly data: string; readonly metadata: string }[]): number {
  let characters = 0;
  for (const { type, data, metadata } of events) characters += type.length + data.length + metadata.length;
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most appends are settled without counting.
  if (characters * 3 <= maxAppendBytes) return characters;
  return events.reduce((total, { type, data, metadata }) => total + Buffer.byteLength(type) + Buffer.byteLength(data) + Buffer.byteLength(metadata), 0);
}

/** Throws 'payload_too_large' for an append over maxAppendBytes (413 at the API). */
export function assertAppendSize(events: readonly { readonly type: string; readonly data: string; readonly metadata: string }[]): void {
  const bytes = appendBytes(events);
  if (bytes > maxAppendBytes) {
    throw new TetherError('payload_too_large', `the append is ${bytes} bytes; a store takes at most ${maxAppendBytes} in one append`, ['events']);
  }
}

/** Throws 'invalid_stream_name' or 'invalid_event'; checks the whole batch first. */
export function assertValidAppend(stream: string, events: readonly EventToAppend[]): void {
  if (typeof stream !== 'string') {
    throw new TetherError('invalid_stream_name', `invalid stream name: expected a string, got ${typeof stream}`);
  }
  assertStreamName(stream);
  if (!Array.isArray(events)) throw invalidEvent('events must be an array', 'events');
  events.forEach(assertValidEvent);
}

export function assertValidEvent(event: unknown, index: number): void {
  const at = `events[${index}]`;
  if (!isPlainObject(event)) throw invalidEvent(`${at} is not an object`, at);
  const { type, data, metadata } = event;
  if (typeof type !== 'string' || !isEventType(type)) {
    throw invalidEvent(`${at}.type ${JSON.stringify(type) ?? String(type)} is not an event type (PascalCase, no spaces)`, `${at}.type`);
  }
  assertJsonObject(data, `${at}.data`);
  assertJsonObject(metadata, `${at}.metadata`);
  if (!EventMetadata.is(metadata)) {
    throw invalidEvent(`${at}.metadata lacks actor, correlationId, causationId, at, previousHash or hash`, `${at}.metadata`);
  }
}

/** A plain object whose values are JSON: what JSON.parse(JSON.stringify(x)) gives back unchanged. */
export function assertJsonObject(value: unknown, path: string): void {
  if (!isPlainObject(value)) throw invalidEvent(`${path} must be a plain JSON object, got ${describe(value)}`, path);
  const problem = problemIn(value, new Set());
  if (problem === undefined) return;
  const at = path + problem.at.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
  throw invalidEvent(`${at} ${problem.is}`, at);
}

/** What JSON cannot hold, and where below the value it is: found without building a path for every property. */
interface Problem {
  readonly at: (string | number)[];
  readonly is: string;
}

function problemIn(value: unknown, ancestors: Set<object>): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { at: [], is: `is ${String(value)}, which JSON cannot hold` };
    case 'object':
      return value === null ? undefined : problemInContainer(value, ancestors);
    default:
      return { at: [], is: `is a ${typeof value}, which JSON cannot hold` };
  }
}

function problemInContainer(value: object, ancestors: Set<object>): Problem | undefined {
  if (ancestors.has(value)) return { at: [], is: 'refers to itself' };
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // JSON would turn an undefined item into null: refuse rather than change the data.
      const problem = item === undefined ? { at: [], is: 'is undefined' } : problemIn(item, ancestors);
      if (problem !== undefined) return { at: [i, ...problem.at], is: problem.is };
    }
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const item = value[key];
      // An undefined property is dropped by JSON, as an absent optional field: allowed.
      const problem = item === undefined ? undefined : problemIn(item, ancestors);
      if (problem !== undefined) return { at: [key, ...problem.at], is: problem.is };
    }
  } else {
    return { at: [], is: `is ${describe(value)}, not a plain object or array` };
  }
  ancestors.delete(value);
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'non-plain'} object`;
  return `a ${typeof value}`;
}

function invalidEvent(message: string, path: string): TetherError {
  return new TetherError('invalid_event', message, [path]);
}
