import type { SnapshotFrom } from 'xstate';
import type { DecisionContext, Deadline } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { isCodeId, provisioningCodeLifetimeMs } from './code-id.js';
import type { ProvisioningCommand } from './commands.js';
import type { ProvisioningEvent } from './events.js';
import type { provisioningMachine } from './machine.js';
import type { ProvisioningRefusalReason } from './refusal-reason.js';

export type ProvisioningState = SnapshotFrom<typeof provisioningMachine>;

const messages: Readonly<Record<ProvisioningRefusalReason, string>> = {
  expired: 'the provisioning code has expired (codes are valid for one hour)',
  revoked: 'the provisioning code was revoked',
  'used-up': 'the provisioning code has been used by as many devices as it allows',
  unknown: 'no such provisioning code',
};

export const provisioningRefused = (reason: ProvisioningRefusalReason): TetherError =>
  new TetherError('provisioning_refused', messages[reason], [reason]);

const isPast = (state: ProvisioningState, now: Date): boolean => now.getTime() >= Date.parse(state.context.expiresAt);

/** Whether the code can still be redeemed at `now`: the clock decides, not whether the timer fired. */
export const isLiveAt = (state: ProvisioningState, now: Date): boolean => state.matches('live') && !isPast(state, now);

function refusalOf(state: ProvisioningState, mac: string, now: Date): ProvisioningRefusalReason | undefined {
  if (state.matches('absent')) return 'unknown';
  if (state.matches('revoked')) return 'revoked';
  if (state.matches('expired') || isPast(state, now)) return 'expired';
  // A device gets one redemption per code: after a factory reset it comes back unassigned,
  // as the seed says, and needs a new code or an admin.
  if (state.matches('usedUp') || state.context.redeemedBy.includes(mac)) return 'used-up';
  return undefined;
}

export function decideProvisioning(
  state: ProvisioningState,
  command: ProvisioningCommand,
  { now }: DecisionContext,
): readonly ProvisioningEvent[] {
  const { context } = state;
  switch (command.type) {
    case 'IssueProvisioningCode': {
      if (!state.matches('absent')) throw new TetherError('already_exists', 'this provisioning code was already issued');
      if (!isCodeId(command.codeId)) throw new TetherError('validation_failed', 'codeId must be 32 lowercase hex digits', ['codeId']);
      if (command.tenantId === '') throw new TetherError('validation_failed', 'a tenant is required', ['tenantId']);
      const { maxUses } = command;
      if (maxUses !== undefined && !(Number.isSafeInteger(maxUses) && maxUses >= 1)) {
        throw new TetherError('validation_failed', 'maxUses must be a whole number of at least 1', ['maxUses']);
      }
      const expiresAt = new Date(now.getTime() + provisioningCodeLifetimeMs).toISOString();
      return [
        {
          type: 'ProvisioningCodeIssued',
          data: { codeId: command.codeId, tenantId: command.tenantId, expiresAt, ...(maxUses === undefined ? {} : { maxUses }) },
        },
      ];
    }
    case 'RedeemProvisioningCode': {
      const refusal = refusalOf(state, command.mac, now);
      if (refusal) throw provisioningRefused(refusal);
      return [{ type: 'ProvisioningCodeRedeemed', data: { codeId: context.codeId, mac: command.mac } }];
    }
    case 'RevokeProvisioningCode':
      if (state.matches('absent')) throw new TetherError('not_found', 'no such provisioning code');
      // Revoking twice, or revoking an expired code, changes nothing: clients may retry.
      if (state.matches('revoked') || state.matches('expired')) return [];
      return [{ type: 'ProvisioningCodeRevoked', data: { codeId: context.codeId } }];
    case 'ExpireProvisioningCode':
      // A timer may fire early, late or twice; only the clock says whether the code has expired.
      if (!state.matches('live') || !isPast(state, now)) return [];
      return [{ type: 'ProvisioningCodeExpired', data: { codeId: context.codeId } }];
  }
}

export function provisioningDeadlines(state: ProvisioningState): readonly Deadline<ProvisioningCommand>[] {
  return state.matches('live') ? [{ at: state.context.expiresAt, command: { type: 'ExpireProvisioningCode' } }] : [];
}
