// The gateway's limits per address on real runtimes over one SQLite file, two of them standing
// for two hub nodes: open connections and hellos a second are counted by each node, MACs never
// seen before registered an hour by the whole cluster (registrations on one node count on the
// other, and two nodes registering the address's last one at once register one). Refusals are
// counted per limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayAdmission } from '../../../actors/gateway/gateway-admission.js';
import type { CommandContext } from '../../../domain/command-context.js';
import { systemPrincipal } from '../../../domain/principal.js';
import { RuntimeFixture } from '../runtime/runtime-fixture.js';

const context: CommandContext = { principal: systemPrincipal };
const limits = { connectionsPerIp: 1, hellosPerSecondPerIp: 1, registrationsPerHourPerIp: 1 };

let fixture: RuntimeFixture;

/** A node's admission; node b on its own connection to the store, as a second hub process. */
const admissionOn = (node: 'a' | 'b', registrationsPerHourPerIp = 1): GatewayAdmission =>
  new GatewayAdmission(fixture.runtime(node === 'a' ? {} : { store: fixture.openStore() }), fixture.clock, { ...limits, registrationsPerHourPerIp });

beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

describe('GatewayAdmission', () => {
  it('counts the open connections and hellos of each address on its node, and the refusals of each limit', async () => {
    const admission = admissionOn('a');
    expect([admission.connect('192.0.2.1'), admission.connect('192.0.2.1'), admission.connect('192.0.2.2')]).toEqual([true, false, true]);
    admission.disconnected('192.0.2.1');
    expect(admission.connect('192.0.2.1')).toBe(true);
    expect([admission.hello('192.0.2.1'), admission.hello('192.0.2.1')]).toEqual([true, false]);
    expect([await admission.register('192.0.2.1', 'm1', context), await admission.register('192.0.2.1', 'm2', context)]).toEqual(['counted', 'refused']);
    fixture.clock.advance(1000);
    expect([admission.hello('192.0.2.1'), await admission.register('192.0.2.1', 'm2', context)]).toEqual([true, 'refused']);
    expect([admission.refused('connections_per_ip'), admission.refused('hellos_per_ip'), admission.refused('registrations_per_ip')]).toEqual([1, 1, 2]);
    fixture.clock.advance(3_600_000);
    expect(await admission.register('192.0.2.1', 'm2', context)).toBe('counted');
  });

  it('gives back a registration whose hello stored nothing, without counting a refusal', async () => {
    const admission = admissionOn('a');
    expect(await admission.register('192.0.2.1', 'm1', context)).toBe('counted');
    await admission.releaseRegistration('192.0.2.1', 'm1', context);
    expect([await admission.register('192.0.2.1', 'm2', context), await admission.register('192.0.2.1', 'm3', context)]).toEqual(['counted', 'refused']);
    expect(admission.refused('registrations_per_ip')).toBe(1);
  });

  it('tells the second of two hellos of one new MAC that the count is not its own to give back', async () => {
    const a = admissionOn('a', 2);
    const b = admissionOn('b', 2);
    expect([await a.register('192.0.2.5', 'm1', context), await b.register('192.0.2.5', 'm1', context)]).toEqual(['counted', 'counted-before']);
    expect([await a.register('192.0.2.5', 'm2', context), await b.register('192.0.2.5', 'm3', context)]).toEqual(['counted', 'refused']);
  });

  it('counts the registrations of an address on node A on node B, for the rest of the hour', async () => {
    const a = admissionOn('a', 2);
    const b = admissionOn('b', 2);
    expect(await a.register('192.0.2.7', 'm1', context)).toBe('counted');
    expect(await b.register('192.0.2.7', 'm2', context)).toBe('counted');
    expect([await b.register('192.0.2.7', 'm3', context), await a.register('192.0.2.7', 'm3', context)]).toEqual(['refused', 'refused']);
    expect(await b.register('192.0.2.8', 'm4', context)).toBe('counted');
    fixture.clock.advance(3_600_000);
    expect(await b.register('192.0.2.7', 'm3', context)).toBe('counted');
  });

  it('registers one MAC when two nodes register the last one of an address at once', async () => {
    const a = admissionOn('a');
    const b = admissionOn('b');
    const results = await Promise.all([a.register('192.0.2.9', 'm1', context), b.register('192.0.2.9', 'm2', context), a.register('192.0.2.9', 'm3', context), b.register('192.0.2.9', 'm4', context)]);
    expect(results.filter((count) => count === 'counted')).toHaveLength(1);
    expect(a.refused('registrations_per_ip') + b.refused('registrations_per_ip')).toBe(3);
  });
});
