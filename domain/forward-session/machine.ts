import { assign, setup } from 'xstate';
import type { Role } from '../principal.js';
import type { LinkProtocol } from '../tunnel/link-fields.js';
import { isLive, withAttached, withOpened, withoutStream } from '../tunnel/live-streams.js';
import type { LiveStreams } from '../tunnel/live-streams.js';
import type { TerminationCause } from '../tunnel/termination-cause.js';
import type { ForwardTraffic } from './commands.js';
import type { ForwardEvent, ForwardKind, ForwardMode, ForwardTarget } from './events.js';

export interface ForwardContext {
  readonly sessionId: string;
  readonly kind: ForwardKind;
  readonly sourceId: string;
  readonly mode: ForwardMode;
  readonly transport: LinkProtocol;
  readonly target: ForwardTarget;
  readonly relay: string;
  readonly requestedBy: { readonly id: string; readonly role: Role };
  readonly createdTime: string;
  readonly tenantId?: string;
  readonly device?: string;
  readonly port?: number;
  readonly devicePort?: number;
  readonly endpoint?: string;
  readonly tls?: boolean;
  readonly node?: string;
  readonly userIP?: string;
  /** The host of the first client that attached. */
  readonly clientIP?: string;
  readonly agentIP?: string;
  readonly liveStreams: LiveStreams;
  readonly streamsAttached: number;
  readonly bytesToTarget: number;
  readonly bytesFromTarget: number;
  /** Sums over the streams that closed on their own. */
  readonly closedToTarget: number;
  readonly closedFromTarget: number;
  readonly cause?: TerminationCause;
  readonly endTime?: string;
}

export const isLiveForwardStream = (context: ForwardContext, streamId: string): boolean => isLive(context.liveStreams, streamId);

/** The least totals the session may report: what it reported before, and what its closed streams carried. */
export const forwardFloor = (context: ForwardContext): ForwardTraffic => ({
  bytesToTarget: Math.max(context.bytesToTarget, context.closedToTarget),
  bytesFromTarget: Math.max(context.bytesFromTarget, context.closedFromTarget),
});

const notBelowFloor = (context: ForwardContext, totals: ForwardTraffic): boolean => {
  const floor = forwardFloor(context);
  return totals.bytesToTarget >= floor.bytesToTarget && totals.bytesFromTarget >= floor.bytesFromTarget;
};

export const forwardMachine = setup({
  types: { context: {} as ForwardContext, events: {} as ForwardEvent },
  guards: {
    attachable: ({ context, event }) => event.type === 'ForwardStreamAttached' && !isLiveForwardStream(context, event.data.streamId),
    openable: ({ context, event }) => event.type === 'ForwardStreamOpened' && context.liveStreams[event.data.streamId]?.opened === false,
    closable: ({ context, event }) => event.type === 'ForwardStreamClosed' && isLiveForwardStream(context, event.data.streamId),
    notDecreasing: ({ context, event }) => event.type === 'ForwardTrafficRecorded' && notBelowFloor(context, event.data),
    finalTotals: ({ context, event }) =>
      event.type === 'ForwardClosed' &&
      notBelowFloor(context, event.data) &&
      event.data.bytesTransferred === event.data.bytesToTarget + event.data.bytesFromTarget,
  },
}).createMachine({
  id: 'forward',
  initial: 'absent',
  context: {
    sessionId: '',
    kind: 'proxy',
    sourceId: '',
    mode: 'tcp',
    transport: 'tcp',
    target: { host: '', port: 1 },
    relay: '',
    requestedBy: { id: '', role: 'system' },
    createdTime: '',
    liveStreams: {},
    streamsAttached: 0,
    bytesToTarget: 0,
    bytesFromTarget: 0,
    closedToTarget: 0,
    closedFromTarget: 0,
  },
  states: {
    absent: {
      on: {
        ForwardOpened: { target: 'open', actions: assign(({ context, event }) => ({ ...context, ...event.data })) },
      },
    },
    open: {
      on: {
        ForwardStreamAttached: {
          guard: 'attachable',
          actions: assign(({ context, event }) => ({
            liveStreams: withAttached(context.liveStreams, event.data.streamId, event.data.clientHost, event.data.clientPort),
            streamsAttached: context.streamsAttached + 1,
            clientIP: context.clientIP ?? event.data.clientHost,
          })),
        },
        ForwardStreamOpened: {
          guard: 'openable',
          actions: assign(({ context, event }) => ({
            liveStreams: withOpened(context.liveStreams, event.data.streamId),
            agentIP: event.data.agentIP ?? context.agentIP,
          })),
        },
        ForwardStreamClosed: {
          guard: 'closable',
          actions: assign(({ context, event }) => ({
            liveStreams: withoutStream(context.liveStreams, event.data.streamId),
            closedToTarget: context.closedToTarget + event.data.bytesToTarget,
            closedFromTarget: context.closedFromTarget + event.data.bytesFromTarget,
          })),
        },
        ForwardTrafficRecorded: {
          guard: 'notDecreasing',
          actions: assign(({ event }) => ({ bytesToTarget: event.data.bytesToTarget, bytesFromTarget: event.data.bytesFromTarget })),
        },
        ForwardClosed: {
          guard: 'finalTotals',
          target: 'closed',
          actions: assign(({ event }) => ({
            liveStreams: {},
            cause: event.data.cause,
            endTime: event.data.endTime,
            bytesToTarget: event.data.bytesToTarget,
            bytesFromTarget: event.data.bytesFromTarget,
          })),
        },
      },
    },
    closed: { type: 'final' },
  },
});
