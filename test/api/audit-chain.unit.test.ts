// The audit API checks chains one event at a time; it must judge exactly as verifyChain does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genesisHash, hashEvent, verifyChain } from '../../actors/runtime/hash-chain.js';
import type { ChainBreak } from '../../actors/runtime/hash-chain.js';
import { checkLink, verifyChains } from '../../api/audit/chain-audit.js';
import type { EventToAppend, RecordedEvent } from '../../domain/ports/event-store.js';
import { keptPosition } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';

function chained(stream: string, count: number, firstPosition = 1): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let previousHash = genesisHash;
  for (let revision = 0; revision < count; revision += 1) {
    const metadata = { actor: systemPrincipal, correlationId: 'c', causationId: 'c', at: '2026-01-01T00:00:00.000Z', previousHash };
    const data = { n: revision };
    const hash = hashEvent({ stream, revision, type: 'Counted', data, metadata });
    events.push({ stream, revision, position: keptPosition(firstPosition + revision), type: 'Counted', data, metadata: { ...metadata, hash } });
    previousHash = hash;
  }
  return events;
}

function linkByLink(events: readonly RecordedEvent[]): ChainBreak | undefined {
  let previous = genesisHash;
  for (const event of events) {
    const broken = checkLink(previous, event);
    if (broken !== undefined) return broken;
    previous = event.metadata.hash;
  }
  return undefined;
}

describe('checkLink', () => {
  const intact = chained('count-1', 5);
  const at = (i: number): RecordedEvent => {
    const event = intact[i];
    if (event === undefined) throw new Error(`no event ${i}`);
    return event;
  };
  const tamperings: [string, RecordedEvent[]][] = [
    ['nothing', intact],
    ['data', intact.map((e, i) => (i === 2 ? { ...e, data: { n: 99 } } : e))],
    ['type', intact.map((e, i) => (i === 3 ? { ...e, type: 'Other' } : e))],
    ['actor', intact.map((e, i) => (i === 1 ? { ...e, metadata: { ...e.metadata, actor: { id: 'mallory', role: 'admin' as const } } } : e))],
    ['a removed event', intact.filter((_, i) => i !== 2)],
    ['two swapped events', [at(0), at(2), at(1), at(3), at(4)]],
    ['a forged hash', intact.map((e, i) => (i === 4 ? { ...e, metadata: { ...e.metadata, hash: genesisHash } } : e))],
  ];

  it.each(tamperings)('judges a chain with %s altered as verifyChain does', (_what, events) => {
    expect(linkByLink(events)).toEqual(verifyChain(events));
  });

  it('does find the alterations', () => {
    expect(tamperings.filter(([, events]) => linkByLink(events) !== undefined)).toHaveLength(tamperings.length - 1);
  });
});

describe('verifyChains', () => {
  let store: SqliteEventStore;

  beforeAll(async () => {
    store = SqliteEventStore.open({ file: ':memory:' });
    // Two interleaved streams over more than one page of the store.
    const a = chained('count-a', 1200);
    const b = chained('count-b', 900);
    const strip = ({ type, data, metadata }: RecordedEvent): EventToAppend => ({ type, data, metadata });
    for (let i = 0; i < 1200; i += 300) {
      await store.append('count-a', a.slice(i, i + 300).map(strip), 'any');
      if (i < b.length) await store.append('count-b', b.slice(i, i + 300).map(strip), 'any');
    }
  });
  afterAll(async () => store.close());

  it('checks every stream across pages', async () => {
    expect(await verifyChains(store, async () => true)).toEqual({ ok: true, streams: 2, events: 2100 });
    expect(await verifyChains(store, async () => true, 'count-a')).toEqual({ ok: true, streams: 1, events: 1200 });
  });

  it('leaves out the streams it may not see', async () => {
    expect(await verifyChains(store, async (stream) => stream === 'count-b')).toEqual({ ok: true, streams: 1, events: 900 });
  });
});
