import { assign, setup } from 'xstate';
import type { AppTemplate } from './app-template.js';
import type { ProtocolAppEvent } from './events.js';

export interface ProtocolAppContext {
  readonly appId: string;
  readonly template?: AppTemplate;
  /** Devices it is assigned to, and the tenant each was assigned for. */
  readonly assignments: Readonly<Record<string, string>>;
}

const without = (assignments: Readonly<Record<string, string>>, device: string): Record<string, string> =>
  Object.fromEntries(Object.entries(assignments).filter(([mac]) => mac !== device));

export const protocolAppMachine = setup({
  types: { context: {} as ProtocolAppContext, events: {} as ProtocolAppEvent },
  guards: {
    unassigned: ({ context, event }) => event.type === 'ProtocolAppAssigned' && !Object.hasOwn(context.assignments, event.data.device),
    assigned: ({ context, event }) => event.type === 'ProtocolAppUnassigned' && Object.hasOwn(context.assignments, event.data.device),
  },
}).createMachine({
  id: 'protocol-app',
  initial: 'absent',
  context: { appId: '', assignments: {} },
  states: {
    absent: {
      on: { ProtocolAppCreated: { target: 'active', actions: assign(({ event }) => ({ appId: event.data.appId, template: event.data.template })) } },
    },
    active: {
      on: {
        ProtocolAppUpdated: { actions: assign(({ event }) => ({ template: event.data.template })) },
        ProtocolAppAssigned: {
          guard: 'unassigned',
          actions: assign(({ context, event }) => ({ assignments: { ...context.assignments, [event.data.device]: event.data.tenantId } })),
        },
        ProtocolAppUnassigned: {
          guard: 'assigned',
          actions: assign(({ context, event }) => ({ assignments: without(context.assignments, event.data.device) })),
        },
        ProtocolAppDeleted: { target: 'deleted', actions: assign({ template: undefined, assignments: {} }) },
      },
    },
    deleted: { type: 'final' },
  },
});
