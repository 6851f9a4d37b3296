// The reads the EventStoreDB adapter sends, proven without a server: stream reads, $all reads
// and subscriptions from port positions, and the reads that find the identity and the head.
import { BACKWARDS, END, FORWARDS, START } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { beforeFirst, keptPosition } from '../../domain/ports/event-store.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { readsPast, toPosition } from '../../store/eventstoredb-positions.js';
import {
  headPositionReadOptions,
  identityReadOptions,
  toIdentity,
  toLimit,
  toReadAllOptions,
  toReadStreamOptions,
  toSubscribeToAllOptions,
} from '../../store/eventstoredb-read-requests.js';
import { makeEvent } from './event-store-fixtures.js';
import { resolvedAt } from './eventstoredb-resolved-event.js';

describe('readStream requests', () => {
  it('defaults to the whole stream, from the start forwards or from the end backwards', () => {
    expect(toReadStreamOptions()).toEqual({ direction: FORWARDS, fromRevision: START, resolveLinkTos: false, requiresLeader: true });
    expect(toReadStreamOptions({ direction: 'forwards' })).toEqual(toReadStreamOptions());
    expect(toReadStreamOptions({ direction: 'backwards' })).toEqual({
      direction: BACKWARDS,
      fromRevision: END,
      resolveLinkTos: false,
      requiresLeader: true,
    });
  });

  it.each([
    [{ fromRevision: 'start' as const }, FORWARDS, START],
    [{ fromRevision: 'end' as const }, FORWARDS, END],
    [{ fromRevision: 3 }, FORWARDS, 3n],
    [{ fromRevision: 0, direction: 'backwards' as const }, BACKWARDS, 0n],
    [{ fromRevision: 'start' as const, direction: 'backwards' as const }, BACKWARDS, START],
    [{ fromRevision: 'end' as const, direction: 'backwards' as const }, BACKWARDS, END],
  ])('maps %j', (options, direction, fromRevision) => {
    expect(toReadStreamOptions(options)).toEqual({ direction, fromRevision, resolveLinkTos: false, requiresLeader: true });
  });

  it('sends maxCount, and asks for one event when it is 0 so a missing stream is still reported', () => {
    expect(toReadStreamOptions({ maxCount: 5, fromRevision: 2 })).toMatchObject({ maxCount: 5, fromRevision: 2n });
    expect(toReadStreamOptions({ maxCount: 0 })).toMatchObject({ maxCount: 1 });
    expect(toLimit(0)).toBe(0);
    expect(toLimit(undefined)).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([{ fromRevision: -1 }, { fromRevision: 0.5 }, { maxCount: -1 }, { maxCount: 2.5 }])(
    'refuses %j',
    (options) => {
      expect(() => toReadStreamOptions(options)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    },
  );
});

describe('$all requests', () => {
  it('uses the commit position for both parts of a position', () => {
    expect(toPosition(0)).toEqual({ commit: 0n, prepare: 0n });
    expect(toPosition(123_456_789)).toEqual({ commit: 123_456_789n, prepare: 123_456_789n });
  });

  it('reads forwards from the position itself (the server is inclusive), sends no count, and beforeFirst means the start', () => {
    const base = { direction: FORWARDS, resolveLinkTos: false };
    expect(toReadAllOptions()).toEqual({ ...base, fromPosition: START });
    expect(toReadAllOptions({ maxCount: 10 })).toEqual({ ...base, fromPosition: START });
    expect(toReadAllOptions({ after: keptPosition(1024) })).toEqual({ ...base, fromPosition: { commit: 1024n, prepare: 1024n } });
    expect(toReadAllOptions({ after: beforeFirst })).toEqual({ ...base, fromPosition: START });
    expect(() => toReadAllOptions({ after: keptPosition(1.5) })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('keeps only the events past an exclusive position from such a read', () => {
    const at = (position: number): RecordedEvent => ({ stream: 's-1', revision: 0, position: keptPosition(position), type: 'T', data: {}, metadata: makeEvent('T').metadata });
    expect(readsPast(at(1024), keptPosition(1024))).toBe(false);
    expect(readsPast(at(1100), keptPosition(1024))).toBe(true);
    expect(readsPast(at(0), undefined)).toBe(true);
    expect(readsPast(at(0), beforeFirst)).toBe(true);
  });

  it('names the database by the id of its first event, read forwards from the start', () => {
    expect(identityReadOptions).toEqual({ direction: FORWARDS, fromPosition: START, maxCount: 1, resolveLinkTos: false });
    expect(toIdentity(resolvedAt())).toBe('eventstoredb:6c5d5ab6-33a1-4a7a-9f4e-1f2a7d1a3b0c');
    expect(() => toIdentity(undefined)).toThrow(expect.objectContaining({ code: 'unavailable' }));
  });

  it('finds the head by reading backwards from the end', () => {
    expect(headPositionReadOptions).toEqual({ direction: BACKWARDS, fromPosition: END, resolveLinkTos: false });
  });

  it('subscribes after a position (exclusive), from the start or from the end', () => {
    expect(toSubscribeToAllOptions()).toMatchObject({ fromPosition: START, resolveLinkTos: false });
    expect(toSubscribeToAllOptions({})).toMatchObject({ fromPosition: START });
    expect(toSubscribeToAllOptions({ after: 'end' })).toMatchObject({ fromPosition: END });
    expect(toSubscribeToAllOptions({ after: keptPosition(77) })).toMatchObject({ fromPosition: { commit: 77n, prepare: 77n } });
    expect(toSubscribeToAllOptions({ after: beforeFirst })).toMatchObject({ fromPosition: START });
  });
});
