import { assign, setup } from 'xstate';
import type { ProxyEvent } from './events.js';
import type { ProxySettings } from './proxy-settings.js';

export interface ProxyContext {
  readonly proxyId: string;
  readonly settings?: ProxySettings;
}

export const proxyMachine = setup({
  types: { context: {} as ProxyContext, events: {} as ProxyEvent },
  guards: {
    disabled: ({ context }) => context.settings?.enabled === false,
    enabled: ({ context }) => context.settings?.enabled === true,
  },
}).createMachine({
  id: 'proxy',
  initial: 'absent',
  context: { proxyId: '' },
  states: {
    absent: {
      on: { ProxyCreated: { target: 'active', actions: assign(({ event }) => ({ proxyId: event.data.proxyId, settings: event.data.settings })) } },
    },
    active: {
      on: {
        ProxyUpdated: { actions: assign(({ event }) => ({ settings: event.data.settings })) },
        ProxyEnabled: {
          guard: 'disabled',
          actions: assign(({ context }) => (context.settings === undefined ? {} : { settings: { ...context.settings, enabled: true } })),
        },
        ProxyDisabled: {
          guard: 'enabled',
          actions: assign(({ context }) => (context.settings === undefined ? {} : { settings: { ...context.settings, enabled: false } })),
        },
        ProxyRemoved: { target: 'removed', actions: assign({ settings: undefined }) },
      },
    },
    // A removed profile cannot be restored, but its id may name a new profile, created from scratch.
    removed: {
      on: { ProxyCreated: { target: 'active', actions: assign(({ event }) => ({ proxyId: event.data.proxyId, settings: event.data.settings })) } },
    },
  },
});
