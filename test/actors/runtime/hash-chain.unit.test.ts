import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorRuntime } from '../../../actors/runtime/actor-runtime.js';
import { canonicalJson, genesisHash, hashEvent, verifyChain } from '../../../actors/runtime/hash-chain.js';
import type { RecordedEvent } from '../../../domain/ports/event-store.js';
import { tenantAggregate } from '../../../domain/tenant/aggregate.js';
import { SqliteEventStore } from '../../../store/sqlite-event-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { admin, createTenant, grant, revoke } from './runtime-fixture.js';

describe('canonicalJson', () => {
  it('does not depend on the order of object keys, at any depth', () => {
    const a = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: 'x' } };
    const b = { a: { x: 'x', y: [1, { p: 1, q: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[1,{"p":1,"q":2}]},"b":1}');
  });

  it('keeps the order of arrays and tells values apart', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('hashes content the same before and after a JSON round trip', () => {
    const value = { z: 1, a: undefined, m: { ip: '203.0.113.7', at: '2026-01-01T00:00:00.000Z' } };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });
});

describe('verifyChain', () => {
  let store: SqliteEventStore;
  let chain: RecordedEvent[];

  beforeAll(async () => {
    store = SqliteEventStore.open({ file: ':memory:' });
    const clock = new ManualClock();
    const runtime = new ActorRuntime({ store, clock });
    const commands = [createTenant('acme'), grant('globex'), grant('initech'), revoke('globex'), grant('hooli')];
    for (const command of commands) {
      await runtime.execute(tenantAggregate, 'acme', command, { ...admin, ip: '203.0.113.7' });
      clock.advance(1000);
    }
    await runtime.stop();
    chain = await store.readStream('tenant-acme');
  });
  afterAll(async () => {
    await store.close();
  });

  const at = (i: number): RecordedEvent => {
    const event = chain[i];
    if (!event) throw new Error(`no event ${i}`);
    return event;
  };

  it('accepts a chain built by the runtime', () => {
    expect(chain).toHaveLength(5);
    expect(at(0).metadata.previousHash).toBe(genesisHash);
    expect(verifyChain(chain)).toBeUndefined();
  });

  it('names an event whose data was changed', () => {
    const altered = chain.map((e, i) => (i === 2 ? { ...e, data: { ...e.data, grantedTenantId: 'evil' } } : e));
    expect(verifyChain(altered)).toEqual({ stream: 'tenant-acme', revision: 2, position: at(2).position, reason: 'hash-mismatch' });
  });

  it('names an event whose metadata was changed', () => {
    const altered = chain.map((e, i) => (i === 1 ? { ...e, metadata: { ...e.metadata, ip: '198.51.100.1' } } : e));
    expect(verifyChain(altered)).toMatchObject({ revision: 1, reason: 'hash-mismatch' });
  });

  it('names the event after one that was removed', () => {
    const removed = chain.filter((_, i) => i !== 2);
    expect(verifyChain(removed)).toMatchObject({ revision: 3, reason: 'previous-hash-mismatch' });
  });

  it('names the first event out of order', () => {
    const reordered = [at(0), at(2), at(1), at(3), at(4)];
    expect(verifyChain(reordered)).toMatchObject({ revision: 2, reason: 'previous-hash-mismatch' });
  });

  it('names an event whose previousHash was forged', () => {
    const forged = chain.map((e, i) => (i === 3 ? { ...e, metadata: { ...e.metadata, previousHash: genesisHash } } : e));
    expect(verifyChain(forged)).toMatchObject({ revision: 3, reason: 'previous-hash-mismatch' });
  });

  it('names the next event when an altered one was given a matching hash', () => {
    const original = at(1);
    const data = { ...original.data, grantedTenantId: 'evil' };
    const { hash: _hash, ...unhashed } = original.metadata;
    const rehashed = { ...original, data, metadata: { ...original.metadata, hash: hashEvent({ ...original, data, metadata: unhashed }) } };
    const altered = chain.map((e, i) => (i === 1 ? rehashed : e));
    expect(verifyChain(altered)).toMatchObject({ revision: 2, reason: 'previous-hash-mismatch' });
  });

  it('names an event moved to another revision', () => {
    const renumbered = chain.map((e, i) => (i === 4 ? { ...e, revision: 7 } : e));
    expect(verifyChain(renumbered)).toMatchObject({ revision: 7, reason: 'hash-mismatch' });
  });
});
