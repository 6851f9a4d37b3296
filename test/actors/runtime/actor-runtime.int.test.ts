import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { genesisHash, verifyChain } from '../../../actors/runtime/hash-chain.js';
import { isTetherError } from '../../../domain/errors.js';
import { tenantAggregate } from '../../../domain/tenant/aggregate.js';
import { admin, createTenant, grant, RuntimeFixture } from './runtime-fixture.js';

let fixture: RuntimeFixture;
beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

describe('ActorRuntime.execute', () => {
  it('appends events with the metadata of the command and a hash chain across commands', async () => {
    const runtime = fixture.runtime();
    const context = { ...admin, ip: '203.0.113.7', correlationId: 'corr-1', causationId: 'cause-1' };
    const first = await runtime.execute(tenantAggregate, 'acme', createTenant('acme'), context);
    fixture.clock.advance(60_000);
    await runtime.execute(tenantAggregate, 'acme', grant('globex'), { principal: { id: 'ops', role: 'tenant-admin', tenant: 'acme' } });
    fixture.clock.advance(60_000);
    const last = await runtime.execute(tenantAggregate, 'acme', grant('initech'), context);

    expect(first.revision).toBe(0);
    expect(last.revision).toBe(2);
    expect(last.state.context.grants).toEqual(['globex', 'initech']);
    const stored = await fixture.stream('tenant-acme');
    expect(stored.map((e) => [e.revision, e.type])).toEqual([
      [0, 'TenantCreated'],
      [1, 'TenantAccessGranted'],
      [2, 'TenantAccessGranted'],
    ]);
    expect(stored[0]?.metadata).toMatchObject({
      actor: admin.principal,
      correlationId: 'corr-1',
      causationId: 'cause-1',
      at: '2026-01-01T00:00:00.000Z',
      ip: '203.0.113.7',
      previousHash: genesisHash,
    });
    expect(stored[1]?.metadata).toMatchObject({ actor: { id: 'ops', role: 'tenant-admin', tenant: 'acme' }, at: '2026-01-01T00:01:00.000Z' });
    expect(stored[1]?.metadata.ip).toBeUndefined();
    expect(stored[2]?.metadata.at).toBe('2026-01-01T00:02:00.000Z');
    expect(stored[1]?.metadata.previousHash).toBe(stored[0]?.metadata.hash);
    expect(verifyChain(stored)).toBeUndefined();
    expect(last.events.map((e) => e.metadata.hash)).toEqual([stored[2]?.metadata.hash]);
    expect(last.position).toBe(stored[2]?.position);
  });

  it('correlates a command without ids with itself', async () => {
    await fixture.runtime().execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    const [event] = await fixture.stream('tenant-acme');
    expect(event?.metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event?.metadata.causationId).toBe(event?.metadata.correlationId);
  });

  it('appends nothing for a command that changes nothing', async () => {
    const runtime = fixture.runtime();
    await runtime.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    await runtime.execute(tenantAggregate, 'acme', grant('globex'), admin);
    const again = await runtime.execute(tenantAggregate, 'acme', grant('globex'), admin);
    expect(again.events).toEqual([]);
    expect(again.revision).toBe(1);
    expect(await fixture.stream('tenant-acme')).toHaveLength(2);
  });

  it('refuses with transition_forbidden what the machine forbids, appending nothing', async () => {
    const runtime = fixture.runtime();
    const refused = runtime.execute(tenantAggregate, 'ghost', { type: 'ChangeTenantPassword', passwordHash: 'scrypt$x' }, admin);
    await expect(refused).rejects.toMatchObject({ code: 'transition_forbidden' });
    await expect(fixture.stream('tenant-ghost')).rejects.toMatchObject({ code: 'stream_not_found' });
    expect((await runtime.load(tenantAggregate, 'ghost')).revision).toBe(-1);
  });

  it('passes on the error of the decider, appending nothing', async () => {
    const runtime = fixture.runtime();
    await runtime.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    await expect(runtime.execute(tenantAggregate, 'acme', grant('acme'), admin)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await fixture.stream('tenant-acme')).toHaveLength(1);
  });

  it('serializes 100 concurrent commands on one stream', async () => {
    const runtime = fixture.runtime();
    const commands = [createTenant('acme'), ...Array.from({ length: 99 }, (_, i) => grant(`t${i}`))];
    const results = await Promise.all(commands.map((command) => runtime.execute(tenantAggregate, 'acme', command, admin)));
    expect(results.map((r) => r.revision)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const stored = await fixture.stream('tenant-acme');
    expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(verifyChain(stored)).toBeUndefined();
    expect((await runtime.load(tenantAggregate, 'acme')).state.context.grants).toHaveLength(99);
  });
});

describe('ActorRuntime.load', () => {
  it('reads through to appends made by another runtime', async () => {
    const reader = fixture.runtime();
    const writer = fixture.runtime({ store: fixture.openStore() });
    expect((await reader.load(tenantAggregate, 'acme')).state.value).toBe('absent');
    await writer.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    await writer.execute(tenantAggregate, 'acme', grant('globex'), admin);
    const loaded = await reader.load(tenantAggregate, 'acme');
    expect(loaded.revision).toBe(1);
    expect(loaded.state.value).toBe('active');
    expect(loaded.state.context.grants).toEqual(['globex']);
  });

  it('replays only the events recorded up to a moment with loadAt', async () => {
    const runtime = fixture.runtime();
    const start = fixture.clock.now();
    await runtime.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    fixture.clock.advance(3_600_000);
    await runtime.execute(tenantAggregate, 'acme', grant('globex'), admin);
    fixture.clock.advance(3_600_000);
    await runtime.execute(tenantAggregate, 'acme', grant('initech'), admin);
    const at = (ms: number): Date => new Date(start.getTime() + ms);

    const before = await runtime.loadAt(tenantAggregate, 'acme', at(-1));
    expect([before.state.value, before.revision]).toEqual(['absent', -1]);
    const halfway = await runtime.loadAt(tenantAggregate, 'acme', at(1_800_000));
    expect([halfway.state.context.grants, halfway.revision]).toEqual([[], 0]);
    const onTheSecondGrant = await runtime.loadAt(tenantAggregate, 'acme', at(3_600_000));
    expect([onTheSecondGrant.state.context.grants, onTheSecondGrant.revision]).toEqual([['globex'], 1]);
    const now = await runtime.load(tenantAggregate, 'acme');
    expect(now.state.context.grants).toEqual(['globex', 'initech']);
  });

  it('rejects a stored event that fails its codec with corrupt_event', async () => {
    const runtime = fixture.runtime();
    await runtime.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    const [created] = await fixture.stream('tenant-acme');
    if (!created) throw new Error('TenantCreated was not stored');
    await fixture.store.append('tenant-acme', [{ type: 'TenantAccessGranted', data: { tenantId: 'acme', grantedTenantId: 42 }, metadata: created.metadata }], 0);

    const fresh = fixture.runtime();
    const failure = await fresh.load(tenantAggregate, 'acme').catch((error: unknown) => error);
    expect(isTetherError(failure, 'corrupt_event')).toBe(true);
    await expect(fresh.execute(tenantAggregate, 'acme', grant('globex'), admin)).rejects.toMatchObject({ code: 'corrupt_event' });
    await expect(runtime.load(tenantAggregate, 'acme')).rejects.toMatchObject({ code: 'corrupt_event' });
  });
});
