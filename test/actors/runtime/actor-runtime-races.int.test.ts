// Two runtimes over two connections to one file: two hub processes sharing a store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActorRuntime } from '../../../actors/runtime/actor-runtime.js';
import { verifyChain } from '../../../actors/runtime/hash-chain.js';
import { tenantAggregate } from '../../../domain/tenant/aggregate.js';
import { admin, createTenant, grant, revoke, RuntimeFixture } from './runtime-fixture.js';

let fixture: RuntimeFixture;
let one: ActorRuntime;
let two: ActorRuntime;
beforeEach(() => {
  fixture = new RuntimeFixture();
  one = fixture.runtime();
  two = fixture.runtime({ store: fixture.openStore() });
});
afterEach(async () => {
  await fixture.close();
});

describe('two runtimes on one stream', () => {
  it('lose a race visibly when they may not retry', async () => {
    const eager = fixture.runtime({ store: fixture.openStore(), maxRetries: 0 });
    await one.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    const outcomes = await Promise.allSettled([
      one.execute(tenantAggregate, 'acme', grant('globex'), admin),
      eager.execute(tenantAggregate, 'acme', grant('initech'), admin),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(outcomes[1]).toMatchObject({ reason: { code: 'wrong_expected_version' } });
  });

  it('both succeed by reloading and deciding again while the decision still holds', async () => {
    await one.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    const [a, b] = await Promise.all([
      one.execute(tenantAggregate, 'acme', grant('globex'), admin),
      two.execute(tenantAggregate, 'acme', grant('initech'), admin),
    ]);
    expect([a.revision, b.revision].sort()).toEqual([1, 2]);
    const stored = await fixture.stream('tenant-acme');
    expect(stored.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(verifyChain(stored)).toBeUndefined();
    const loaded = await one.load(tenantAggregate, 'acme');
    expect([...loaded.state.context.grants].sort()).toEqual(['globex', 'initech']);
  });

  it('let exactly one of two creations of the same tenant succeed', async () => {
    const outcomes = await Promise.allSettled([
      one.execute(tenantAggregate, 'acme', createTenant('acme'), admin),
      two.execute(tenantAggregate, 'acme', createTenant('acme'), admin),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'already_exists' } });
    expect(await fixture.stream('tenant-acme')).toHaveLength(1);
  });

  it('interleave many commands without losing one or breaking the chain', async () => {
    await one.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    const commands = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).execute(tenantAggregate, 'acme', grant(`t${i}`), admin));
    await Promise.all(commands);
    const stored = await fixture.stream('tenant-acme');
    expect(stored).toHaveLength(21);
    expect(verifyChain(stored)).toBeUndefined();
  });

  it('decide on the latest state, not on what one of them cached before', async () => {
    expect((await one.load(tenantAggregate, 'acme')).state.value).toBe('absent');
    await two.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    const changed = await one.execute(tenantAggregate, 'acme', { type: 'ChangeTenantPassword', passwordHash: 'scrypt$2' }, admin);
    expect(changed.events.map((e) => e.type)).toEqual(['TenantPasswordChanged']);

    await two.execute(tenantAggregate, 'acme', grant('globex'), admin);
    const revoked = await one.execute(tenantAggregate, 'acme', revoke('globex'), admin);
    expect(revoked.events.map((e) => e.type)).toEqual(['TenantAccessRevoked']);
    expect(revoked.state.context.grants).toEqual([]);

    await two.execute(tenantAggregate, 'acme', revoke('globex'), admin);
    await two.execute(tenantAggregate, 'acme', grant('globex'), admin);
    await one.execute(tenantAggregate, 'acme', grant('initech'), admin);
    const stored = await fixture.stream('tenant-acme');
    expect(stored.map((e) => e.type)).toEqual([
      'TenantCreated',
      'TenantPasswordChanged',
      'TenantAccessGranted',
      'TenantAccessRevoked',
      'TenantAccessGranted',
      'TenantAccessGranted',
    ]);
    expect(verifyChain(stored)).toBeUndefined();
  });
});
