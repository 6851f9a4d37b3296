import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMac } from '../../domain/device/mac.js';
import { isTetherError } from '../../domain/errors.js';
import { provisioningAggregate } from '../../domain/provisioning/aggregate.js';
import { admin, RuntimeFixture, storedEvent } from '../actors/runtime/runtime-fixture.js';

const codeId = 'fedcba9876543210fedcba9876543210';
const minute = 60_000;
let fixture: RuntimeFixture;
beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

const expiredEvent = () =>
  storedEvent(fixture.store, { streamPrefixes: [`provisioning-${codeId}`], eventTypes: ['ProvisioningCodeExpired'] });

describe('provisioning code expiry with the injected clock', () => {
  it('expires by itself one hour after issue, and is refused from then on', async () => {
    const runtime = fixture.runtime();
    await runtime.execute(provisioningAggregate, codeId, { type: 'IssueProvisioningCode', codeId, tenantId: 'acme' }, admin);

    fixture.clock.advance(59 * minute);
    await runtime.execute(provisioningAggregate, codeId, { type: 'RedeemProvisioningCode', mac: parseMac('001122334455') }, admin);
    expect((await fixture.stream(`provisioning-${codeId}`)).map((e) => e.type)).toEqual(['ProvisioningCodeIssued', 'ProvisioningCodeRedeemed']);

    fixture.clock.advance(minute);
    const expired = await expiredEvent();
    expect(expired.metadata.at).toBe('2026-01-01T01:00:00.000Z');

    const refusal = await runtime
      .execute(provisioningAggregate, codeId, { type: 'RedeemProvisioningCode', mac: parseMac('001122334466') }, admin)
      .then(() => undefined, (error: unknown) => error);
    expect(isTetherError(refusal, 'provisioning_refused') && refusal.details).toEqual(['expired']);
  });

  it('re-arms the expiry after a restart and appends an overdue one at once', async () => {
    await fixture.runtime().execute(provisioningAggregate, codeId, { type: 'IssueProvisioningCode', codeId, tenantId: 'acme' }, admin);
    fixture.clock.advance(2 * 60 * minute);
    const restarted = fixture.runtime();
    expect(await restarted.rearmDeadlines(provisioningAggregate)).toBe(1);
    await expiredEvent();
    const loaded = await restarted.load(provisioningAggregate, codeId);
    expect(loaded.state.matches('expired')).toBe(true);
  });
});
