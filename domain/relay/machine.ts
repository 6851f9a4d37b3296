import { assign, setup } from 'xstate';
import type { ApprovalRoute, RelayEvent } from './events.js';

/** A relay as the seed's GAS Thing describes it, plus Tether's approval. */
export interface RelayContext {
  readonly name: string;
  readonly description: string;
  /** Where agents dial back to (with `port`). */
  readonly hostName: string;
  /** Where clients connect to the relay's link ports; default hostName. */
  readonly externalHostName?: string;
  /** Another host clients may use for the same ports. */
  readonly alternateHostName?: string;
  readonly port: number;
  readonly maxSessions: number;
  /** SHA-256 (hex) of the relay's token; absent after a reset, until the next registration. */
  readonly tokenHash?: string;
  readonly firstRegistrationDate?: string;
  readonly lastRegistrationDate?: string;
  readonly lastConnectionTime?: string;
  readonly isReporting: boolean;
  /** While reporting: it counts as not reporting from then on (a durable deadline). */
  readonly reportingUntil?: string;
  readonly approved: boolean;
  readonly approvedVia?: ApprovalRoute;
  readonly currentNumberOfSessions: number;
}

const unregistered = (name: string): RelayContext => ({
  name,
  description: '',
  hostName: '',
  port: 0,
  maxSessions: 0,
  isReporting: false,
  approved: false,
  currentNumberOfSessions: 0,
});

type Registered = Extract<RelayEvent, { type: 'RelayRegistered' }>;

function registration(context: RelayContext, event: Registered, fresh: boolean): RelayContext {
  const { data } = event;
  const base = fresh ? unregistered(data.name) : context;
  const { externalHostName: _external, alternateHostName: _alternate, ...kept } = base;
  return {
    ...kept,
    name: data.name,
    description: data.description,
    hostName: data.hostName,
    ...(data.externalHostName === undefined ? {} : { externalHostName: data.externalHostName }),
    ...(data.alternateHostName === undefined ? {} : { alternateHostName: data.alternateHostName }),
    port: data.port,
    maxSessions: data.maxSessions,
    tokenHash: data.tokenHash,
    firstRegistrationDate: base.firstRegistrationDate ?? data.registeredAt,
    lastRegistrationDate: data.registeredAt,
    lastConnectionTime: data.registeredAt,
    isReporting: true,
    reportingUntil: data.reportingUntil,
  };
}

export const relayMachine = setup({
  types: { context: {} as RelayContext, events: {} as RelayEvent },
  guards: {
    firstRegistration: ({ event }) => event.type === 'RelayRegistered' && event.data.first,
    sameOrNewToken: ({ context, event }) =>
      event.type === 'RelayRegistered' &&
      (context.tokenHash === undefined ? event.data.first : !event.data.first && event.data.tokenHash === context.tokenHash),
    notApproved: ({ context }) => !context.approved && context.tokenHash !== undefined,
    reporting: ({ context }) => context.isReporting,
    hasToken: ({ context }) => context.tokenHash !== undefined,
  },
}).createMachine({
  id: 'relay',
  initial: 'absent',
  context: unregistered(''),
  states: {
    absent: {
      on: {
        RelayRegistered: { guard: 'firstRegistration', target: 'registered', actions: assign(({ context, event }) => registration(context, event, true)) },
      },
    },
    registered: {
      on: {
        RelayRegistered: { guard: 'sameOrNewToken', actions: assign(({ context, event }) => registration(context, event, false)) },
        RelayApproved: { guard: 'notApproved', actions: assign(({ event }) => ({ approved: true, approvedVia: event.data.via })) },
        RelayUnregistered: { guard: 'reporting', actions: assign({ isReporting: false, reportingUntil: undefined }) },
        RelayStatusReported: {
          actions: assign(({ event }) => ({
            isReporting: true,
            currentNumberOfSessions: event.data.currentNumberOfSessions,
            lastConnectionTime: event.data.lastConnectionTime,
            reportingUntil: event.data.reportingUntil,
          })),
        },
        RelayStoppedReporting: { guard: 'reporting', actions: assign({ isReporting: false, reportingUntil: undefined }) },
        RelayTokenReset: { guard: 'hasToken', actions: assign({ tokenHash: undefined, approved: false, approvedVia: undefined }) },
        RelayDeleted: { target: 'deleted', actions: assign(({ context }) => unregistered(context.name)) },
      },
    },
    deleted: {
      on: {
        RelayRegistered: { guard: 'firstRegistration', target: 'registered', actions: assign(({ context, event }) => registration(context, event, true)) },
      },
    },
  },
});
