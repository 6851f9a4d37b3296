import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tenantAggregate } from '../../../domain/tenant/aggregate.js';
import { admin, createTenant, grant, RuntimeFixture } from './runtime-fixture.js';

let fixture: RuntimeFixture;
beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

describe('passivation', () => {
  it('keeps at most maxResident actors and reloads a passivated one to the same state', async () => {
    const runtime = fixture.runtime({ limits: { maxResident: 10 } });
    const first = await runtime.execute(tenantAggregate, 't0', createTenant('t0'), admin);
    await runtime.execute(tenantAggregate, 't0', grant('globex'), admin);
    const seen: number[] = [];
    for (let i = 1; i < 100; i++) {
      await runtime.execute(tenantAggregate, `t${i}`, createTenant(`t${i}`), admin);
      seen.push(runtime.residentCount);
    }
    expect(Math.max(...seen)).toBe(10);

    const reloaded = await runtime.load(tenantAggregate, 't0');
    expect(reloaded.revision).toBe(1);
    expect(reloaded.state.value).toBe(first.state.value);
    expect(reloaded.state.context).toEqual({ ...first.state.context, grants: ['globex'] });
    const next = await runtime.execute(tenantAggregate, 't0', grant('initech'), admin);
    expect(next.revision).toBe(2);
    expect(runtime.residentCount).toBe(10);
  });

  it('passivates actors left idle longer than idleMs', async () => {
    const runtime = fixture.runtime({ limits: { idleMs: 60_000 } });
    for (let i = 0; i < 5; i++) await runtime.execute(tenantAggregate, `t${i}`, createTenant(`t${i}`), admin);
    fixture.clock.advance(30_000);
    await runtime.load(tenantAggregate, 't4');
    expect(runtime.residentCount).toBe(5);

    fixture.clock.advance(30_001);
    await runtime.load(tenantAggregate, 'fresh');
    expect(runtime.residentCount).toBe(2);
    expect((await runtime.load(tenantAggregate, 't0')).state.context.name).toBe('T0');
  });
});
