import { assign, setup } from 'xstate';
import type { ProvisioningEvent } from './events.js';

export interface ProvisioningContext {
  readonly codeId: string;
  readonly tenantId: string;
  /** ISO time; the code is refused from this moment on, whether or not the timer fired. */
  readonly expiresAt: string;
  /** Absent: any number of devices. */
  readonly maxUses?: number;
  /** Devices that redeemed the code, in order. */
  readonly redeemedBy: readonly string[];
}

export const provisioningMachine = setup({
  types: { context: {} as ProvisioningContext, events: {} as ProvisioningEvent },
  guards: {
    lastUse: ({ context }) => context.maxUses !== undefined && context.redeemedBy.length + 1 >= context.maxUses,
  },
  actions: {
    recordRedemption: assign({
      redeemedBy: ({ context, event }) =>
        event.type === 'ProvisioningCodeRedeemed' ? [...context.redeemedBy, event.data.mac] : context.redeemedBy,
    }),
  },
}).createMachine({
  id: 'provisioning',
  initial: 'absent',
  context: { codeId: '', tenantId: '', expiresAt: '', redeemedBy: [] },
  states: {
    absent: {
      on: {
        ProvisioningCodeIssued: {
          target: 'live',
          actions: assign(({ event }) => ({
            codeId: event.data.codeId,
            tenantId: event.data.tenantId,
            expiresAt: event.data.expiresAt,
            maxUses: event.data.maxUses,
            redeemedBy: [],
          })),
        },
      },
    },
    live: {
      on: {
        ProvisioningCodeRedeemed: [
          { guard: 'lastUse', target: 'usedUp', actions: 'recordRedemption' },
          { actions: 'recordRedemption' },
        ],
        ProvisioningCodeRevoked: { target: 'revoked' },
        ProvisioningCodeExpired: { target: 'expired' },
      },
    },
    usedUp: {
      on: { ProvisioningCodeRevoked: { target: 'revoked' } },
    },
    revoked: {},
    expired: {},
  },
});
