// Events as EventStoreDB returns them, as the port's RecordedEvents, or skipped.
import type { ResolvedEvent } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { toRecordedEvent, toUserEvent } from '../../store/eventstoredb-recorded-event.js';
import { metadata, resolvedAt } from './eventstoredb-resolved-event.js';

describe('resolved events', () => {
  it('become RecordedEvents with numbers for revision and commit position', () => {
    expect(toRecordedEvent(resolvedAt({ position: 9_007_199_254_740_991n }))).toEqual({
      stream: 'tenant-1',
      revision: 7,
      position: Number.MAX_SAFE_INTEGER,
      type: 'TenantCreated',
      data: { name: 'acme' },
      metadata,
    });
  });

  it('take the position of a stream read from the event, or else from the resolved event', () => {
    const fromStream: ResolvedEvent = { ...resolvedAt(), commitPosition: undefined };
    expect(toRecordedEvent(fromStream).position).toBe(4242);
    const { event } = resolvedAt();
    if (event === undefined) throw new Error('fixture without event');
    const onlyCommit: ResolvedEvent = { event: { ...event, position: undefined }, commitPosition: 17n };
    expect(toRecordedEvent(onlyCommit).position).toBe(17);
    const none: ResolvedEvent = { event: { ...event, position: undefined } };
    expect(() => toRecordedEvent(none)).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
    const unreported = 2n ** 64n - 1n;
    const oldServer: ResolvedEvent = { event: { ...event, position: { commit: unreported, prepare: unreported } } };
    expect(() => toRecordedEvent(oldServer)).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
    expect(toRecordedEvent({ ...oldServer, commitPosition: 99n }).position).toBe(99);
  });

  it.each<[string, Parameters<typeof resolvedAt>[0]]>([
    ['data that is a string', { data: 'text' }],
    ['data that is an array', { data: [1] }],
    ['binary data', { data: new Uint8Array([1]) }],
    ['no metadata', { metadata: undefined }],
    ['metadata without an actor', { metadata: { ...metadata, actor: undefined } }],
  ])('fail loudly as corrupt_event for %s', (_, overrides) => {
    expect(() => toRecordedEvent(resolvedAt(overrides))).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
  });

  it('are skipped when they are system events, unresolved links or outside the filter, before decoding', () => {
    expect(toUserEvent(resolvedAt())).toMatchObject({ stream: 'tenant-1', revision: 7 });
    expect(toUserEvent(resolvedAt({ streamId: '$stats-127.0.0.1:2113', data: 'not ours' }))).toBeUndefined();
    expect(toUserEvent(resolvedAt({ type: '$metadata', metadata: {} }))).toBeUndefined();
    expect(toUserEvent({ commitPosition: 5n })).toBeUndefined();
    const broken = resolvedAt({ streamId: 'orders-1', data: 'not ours' });
    expect(toUserEvent(broken, { streamPrefixes: ['tenant-'] })).toBeUndefined();
    expect(() => toUserEvent(broken)).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
  });

  it('are skipped and counted, never fatal, when another program wrote them (no Tether metadata)', () => {
    let counted = 0;
    const count = (): void => {
      counted += 1;
    };
    for (const metadata of [undefined, { source: 'billing' }, new Uint8Array([1])]) {
      expect(toUserEvent(resolvedAt({ streamId: 'orders-1', type: 'OrderPlaced', data: { id: 1 }, metadata }), undefined, count)).toBeUndefined();
    }
    expect(counted).toBe(3);
    expect(() => toUserEvent(resolvedAt({ metadata: { hash: 'h' } }), undefined, count)).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
  });
});
