// What every EventStore adapter refuses before it writes anything, so that all adapters
// reject the same appends with the same codes and a stored event always round-trips.
import { EventMetadata } from '../domain/event-metadata.js';
import { TetherError } from '../domain/errors.js';
import type { EventToAppend } from '../domain/ports/event-store.js';
import { assertStreamName, isEventType } from '../domain/stream-name.js';

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
  assertJsonValue(value, path, new Set());
}

function assertJsonValue(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw invalidEvent(`${path} is ${String(value)}, which JSON cannot hold`, path);
      return;
    case 'object':
      if (value === null) return;
      assertJsonContainer(value, path, ancestors);
      return;
    default:
      throw invalidEvent(`${path} is a ${typeof value}, which JSON cannot hold`, path);
  }
}

function assertJsonContainer(value: object, path: string, ancestors: Set<object>): void {
  if (ancestors.has(value)) throw invalidEvent(`${path} refers to itself`, path);
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // JSON would turn an undefined item into null: refuse rather than change the data.
      if (item === undefined) throw invalidEvent(`${path}[${i}] is undefined`, `${path}[${i}]`);
      assertJsonValue(item, `${path}[${i}]`, ancestors);
    }
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      // An undefined property is dropped by JSON, as an absent optional field: allowed.
      if (item !== undefined) assertJsonValue(item, `${path}.${key}`, ancestors);
    }
  } else {
    throw invalidEvent(`${path} is ${describe(value)}, not a plain object or array`, path);
  }
  ancestors.delete(value);
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
