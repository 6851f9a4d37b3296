// The EventStoreDB adapter's appends, proven without a server: expected revisions, the request
// built from port events, and the client's answer translated back.
import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import type { ExpectedRevision } from '../../domain/ports/event-store.js';
import { maxAppendBytes } from '../../store/event-validation.js';
import {
  eventIdOf,
  fromAppendResult,
  fromExpectedRevision,
  meetsExpectedRevision,
  toAppendRequest,
  toExpectedRevision,
} from '../../store/eventstoredb-append-request.js';
import { makeEvent } from './event-store-fixtures.js';

describe('expected revision', () => {
  const cases: Array<[ExpectedRevision, unknown]> = [
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [0, 0n],
    [41, 41n],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
  ];
  it.each(cases)('maps %j to the client value %s and back', (port, client) => {
    expect(toExpectedRevision(port)).toBe(client);
    expect(fromExpectedRevision(toExpectedRevision(port))).toBe(port);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the revision %s before any I/O', (revision) => {
    expect(() => toExpectedRevision(revision)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('is met exactly as the server decides', () => {
    expect(meetsExpectedRevision('any', 'no_stream')).toBe(true);
    expect(meetsExpectedRevision('any', 3)).toBe(true);
    expect(meetsExpectedRevision('no_stream', 'no_stream')).toBe(true);
    expect(meetsExpectedRevision('no_stream', 0)).toBe(false);
    expect(meetsExpectedRevision('stream_exists', 0)).toBe(true);
    expect(meetsExpectedRevision('stream_exists', 'no_stream')).toBe(false);
    expect(meetsExpectedRevision(2, 2)).toBe(true);
    expect(meetsExpectedRevision(2, 3)).toBe(false);
    expect(meetsExpectedRevision(0, 'no_stream')).toBe(false);
  });
});

describe('append', () => {
  it('sends each event as a JSON event with its own id, and the expected revision', () => {
    const events = [makeEvent('TenantCreated', { name: 'acme' }), makeEvent('TenantRenamed', { name: 'acme2' })];
    const request = toAppendRequest(events, 3);
    expect(request.options).toEqual({ expectedRevision: 3n, requiresLeader: true });
    expect(request.events).toEqual(
      events.map((event) => ({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        contentType: 'application/json',
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      })),
    );
    expect(new Set(request.events.map((event) => event.id)).size).toBe(2);
    expect(toAppendRequest(events, 'no_stream').options).toEqual({ expectedRevision: NO_STREAM, requiresLeader: true });
  });

  it('derives each id from the event hash, so a retried append sends the same ids', () => {
    const hashed = (hash: string) => ({ ...makeEvent('TenantCreated'), metadata: { ...makeEvent('TenantCreated').metadata, hash } });
    const first = toAppendRequest([hashed('a'.repeat(64)), hashed('b'.repeat(64))], 'any').events.map((event) => event.id);
    const again = toAppendRequest([hashed('a'.repeat(64)), hashed('b'.repeat(64))], 'any').events.map((event) => event.id);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
    for (const id of first) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdOf('')).not.toBe(eventIdOf(''));
  });

  it('refuses an append larger than the server takes, before sending it', () => {
    const big = makeEvent('CatalogImported', { document: 'x'.repeat(maxAppendBytes) });
    expect(() => toAppendRequest([big], 'any')).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    const halves = [makeEvent('Half', { blob: 'x'.repeat(maxAppendBytes / 2) }), makeEvent('Half', { blob: 'x'.repeat(maxAppendBytes / 2) })];
    expect(() => toAppendRequest(halves, 'any')).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    expect(toAppendRequest([makeEvent('Fits', { blob: 'x'.repeat(maxAppendBytes - 2048) })], 'any').events).toHaveLength(1);
  });

  it('reports the next revision and the commit position of the last event', () => {
    expect(
      fromAppendResult({ success: true, nextExpectedRevision: 4n, position: { commit: 9_000_123n, prepare: 9_000_123n } }),
    ).toEqual({ nextRevision: 4, position: 9_000_123 });
    expect(fromAppendResult({ success: true, nextExpectedRevision: 0n })).toEqual({ nextRevision: 0, position: -1 });
  });
});
