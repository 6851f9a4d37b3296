import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../../domain/aggregate.js';
import { parseMac } from '../../domain/device/mac.js';
import { isTetherError } from '../../domain/errors.js';
import { normalizeProvisioningCode } from '../../domain/provisioning/code-id.js';
import { provisioningAggregate } from '../../domain/provisioning/aggregate.js';
import type { ProvisioningCommand } from '../../domain/provisioning/commands.js';
import { isLiveAt } from '../../domain/provisioning/decide.js';
import type { ProvisioningEvent } from '../../domain/provisioning/events.js';
import { provisioningMachine } from '../../domain/provisioning/machine.js';
import { given, stateAfter } from '../support/given-when-then.js';

const codeId = '0123456789abcdef0123456789abcdef';
const issuedAt = new Date('2026-01-01T10:00:00.000Z');
const expiresAt = '2026-01-01T11:00:00.000Z';
const at = (iso: string): Partial<DecisionContext> => ({ now: new Date(iso) });
const justBefore = at('2026-01-01T10:59:59.999Z');
const exactlyAtExpiry = at(expiresAt);

const macA = parseMac('00:00:00:00:00:0a');
const macB = parseMac('00:00:00:00:00:0b');
const macC = parseMac('00:00:00:00:00:0c');

const issued = (maxUses?: number): ProvisioningEvent => ({
  type: 'ProvisioningCodeIssued',
  data: { codeId, tenantId: 'acme', expiresAt, ...(maxUses === undefined ? {} : { maxUses }) },
});
const redeemed = (mac: string): ProvisioningEvent => ({ type: 'ProvisioningCodeRedeemed', data: { codeId, mac: parseMac(mac) } });
const redeem = (mac: typeof macA): ProvisioningCommand => ({ type: 'RedeemProvisioningCode', mac });

function refusalReason(history: readonly ProvisioningEvent[], command: ProvisioningCommand, context: Partial<DecisionContext>): string {
  const state = stateAfter(provisioningMachine, history);
  try {
    provisioningAggregate.decide(state, command, { now: issuedAt, principal: { id: 'hub', role: 'system' }, ...context });
  } catch (error) {
    if (isTetherError(error, 'provisioning_refused')) return error.details.join(',');
    throw error;
  }
  return 'redeemed';
}

describe('provisioning decider', () => {
  it('issues a code valid for one hour from the clock, without the code itself', () => {
    given(provisioningAggregate, [])
      .when({ type: 'IssueProvisioningCode', codeId, tenantId: 'acme' }, { now: issuedAt })
      .then([issued()]);
    given(provisioningAggregate, [])
      .when({ type: 'IssueProvisioningCode', codeId, tenantId: 'acme', maxUses: 2 }, { now: issuedAt })
      .then([issued(2)]);
  });

  it('refuses a malformed code id, a bad maxUses and a second issue', () => {
    given(provisioningAggregate, []).when({ type: 'IssueProvisioningCode', codeId: 'ABC', tenantId: 'acme' }).thenFails('validation_failed');
    for (const maxUses of [0, -1, 1.5]) {
      given(provisioningAggregate, []).when({ type: 'IssueProvisioningCode', codeId, tenantId: 'acme', maxUses }).thenFails('validation_failed');
    }
    given(provisioningAggregate, [issued()]).when({ type: 'IssueProvisioningCode', codeId, tenantId: 'acme' }).thenFails('already_exists');
  });

  it('redeems a live code until just before the hour is over, and refuses it from then on as expired', () => {
    given(provisioningAggregate, [issued()]).when(redeem(macA), justBefore).then([redeemed(macA)]);
    expect(refusalReason([issued()], redeem(macA), exactlyAtExpiry)).toBe('expired');
    expect(refusalReason([issued()], redeem(macA), at('2026-01-02T00:00:00.000Z'))).toBe('expired');
  });

  it('refuses an expired code even when the expiry event was recorded', () => {
    const expired: ProvisioningEvent = { type: 'ProvisioningCodeExpired', data: { codeId } };
    expect(refusalReason([issued(), expired], redeem(macA), at('2026-01-01T10:30:00.000Z'))).toBe('expired');
  });

  it('refuses a revoked code', () => {
    const revoked: ProvisioningEvent = { type: 'ProvisioningCodeRevoked', data: { codeId } };
    expect(refusalReason([issued(), revoked], redeem(macA), justBefore)).toBe('revoked');
  });

  it('refuses an unknown code', () => {
    expect(refusalReason([], redeem(macA), justBefore)).toBe('unknown');
  });

  it('lets maxUses devices redeem the code, then refuses it as used up', () => {
    const history = [issued(2), redeemed(macA)];
    expect(refusalReason(history, redeem(macB), justBefore)).toBe('redeemed');
    expect(refusalReason([...history, redeemed(macB)], redeem(macC), justBefore)).toBe('used-up');
    expect(stateAfter(provisioningMachine, [...history, redeemed(macB)]).matches('usedUp')).toBe(true);
  });

  it('lets any number of devices redeem a code without maxUses', () => {
    const many = Array.from({ length: 50 }, (_, i) => redeemed(`0000000000${(i + 16).toString(16).padStart(2, '0')}`));
    expect(refusalReason([issued(), ...many], redeem(macA), justBefore)).toBe('redeemed');
  });

  it('refuses a second redemption by the same device, so a reset device comes back unassigned', () => {
    expect(refusalReason([issued(), redeemed(macA)], redeem(macA), justBefore)).toBe('used-up');
  });

  it('revokes a live code; revoking again changes nothing; an unknown code is not found', () => {
    given(provisioningAggregate, [issued()]).when({ type: 'RevokeProvisioningCode' }).then([{ type: 'ProvisioningCodeRevoked', data: { codeId } }]);
    given(provisioningAggregate, [issued(), { type: 'ProvisioningCodeRevoked', data: { codeId } }]).when({ type: 'RevokeProvisioningCode' }).then([]);
    given(provisioningAggregate, []).when({ type: 'RevokeProvisioningCode' }).thenFails('not_found');
  });

  it('expires only once the clock has reached expiresAt, whenever the timer fires', () => {
    given(provisioningAggregate, [issued()]).when({ type: 'ExpireProvisioningCode' }, justBefore).then([]);
    given(provisioningAggregate, [issued()])
      .when({ type: 'ExpireProvisioningCode' }, exactlyAtExpiry)
      .then([{ type: 'ProvisioningCodeExpired', data: { codeId } }]);
    given(provisioningAggregate, [issued(), { type: 'ProvisioningCodeRevoked', data: { codeId } }])
      .when({ type: 'ExpireProvisioningCode' }, exactlyAtExpiry)
      .then([]);
  });

  it('asks to be woken at expiresAt while live, and never after', () => {
    expect(provisioningAggregate.deadlines?.(stateAfter(provisioningMachine, [issued()]))).toEqual([
      { at: expiresAt, command: { type: 'ExpireProvisioningCode' } },
    ]);
    expect(provisioningAggregate.deadlines?.(stateAfter(provisioningMachine, [issued(), { type: 'ProvisioningCodeExpired', data: { codeId } }]))).toEqual([]);
  });

  it('tells whether a code is live at a moment', () => {
    const state = stateAfter(provisioningMachine, [issued()]);
    expect(isLiveAt(state, new Date(justBefore.now ?? 0))).toBe(true);
    expect(isLiveAt(state, new Date(expiresAt))).toBe(false);
  });

  it('normalizes what a person may type differently', () => {
    expect(normalizeProvisioningCode(' abcd-efgh ijkl ')).toBe('ABCDEFGHIJKL');
  });
});
