import { assign, setup } from 'xstate';
import type { Role } from '../principal.js';
import type { ClientPin } from './admission.js';
import { admits, peerKey, pinFromSource, pinToClient } from './admission.js';
import type { TunnelEvent } from './events.js';
import type { LinkProtocol, LinkSource } from './link-fields.js';
import { isLive, withAttached, withOpened, withoutStream } from './live-streams.js';
import type { LiveStreams } from './live-streams.js';
import type { TerminationCause } from './termination-cause.js';

export interface TunnelContext {
  readonly tunnelId: string;
  readonly device: string;
  readonly tenantId: string;
  readonly protocol: LinkProtocol;
  readonly devicePort: number;
  readonly timeout?: number;
  readonly lifetime?: number;
  /** When a TCP link with a lifetime is due to close (ISO time). */
  readonly expiresAt?: string;
  readonly source?: LinkSource;
  readonly encrypted: boolean;
  readonly port: number;
  readonly host: string;
  readonly relay: string;
  /** The hub node holding the port (or the relay channel), as TunnelOpened records it. */
  readonly node?: string;
  readonly requestedBy: { readonly id: string; readonly role: Role };
  readonly userIP?: string;
  readonly tokenHash: string;
  readonly createdTime: string;
  /** Set from the source at open, or by the first client. */
  readonly pin?: ClientPin;
  /** The host of the first client that attached. */
  readonly clientIP?: string;
  /** The device's address as the hub last saw it on a stream. */
  readonly agentIP?: string;
  readonly liveStreams: LiveStreams;
  readonly streamsAttached: number;
  /** Peers whose refusal was recorded (see admission.ts). */
  readonly refusedPeers: readonly string[];
  /** Latest recorded totals; final once closed. */
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  /** Sums over the streams that closed on their own. */
  readonly closedStreamBytesToDevice: number;
  readonly closedStreamBytesFromDevice: number;
  readonly cause?: TerminationCause;
  readonly endTime?: string;
}

export const isLiveStream = (context: TunnelContext, streamId: string): boolean => isLive(context.liveStreams, streamId);

/** The least totals the link may report: what it reported before, and what its closed streams carried. */
export const trafficFloor = (context: TunnelContext): { readonly bytesToDevice: number; readonly bytesFromDevice: number } => ({
  bytesToDevice: Math.max(context.bytesToDevice, context.closedStreamBytesToDevice),
  bytesFromDevice: Math.max(context.bytesFromDevice, context.closedStreamBytesFromDevice),
});

const notBelowFloor = (context: TunnelContext, totals: { bytesToDevice: number; bytesFromDevice: number }): boolean => {
  const floor = trafficFloor(context);
  return totals.bytesToDevice >= floor.bytesToDevice && totals.bytesFromDevice >= floor.bytesFromDevice;
};

export const tunnelMachine = setup({
  types: { context: {} as TunnelContext, events: {} as TunnelEvent },
  guards: {
    attachable: ({ context, event }) => {
      if (event.type !== 'TunnelClientAttached') return false;
      const client = { host: event.data.clientHost, port: event.data.clientPort };
      const udpBusy = context.protocol === 'udp' && Object.keys(context.liveStreams).length > 0;
      return !isLiveStream(context, event.data.streamId) && !udpBusy && admits(context.pin, client) && event.data.pinned === (context.pin === undefined);
    },
    refusable: ({ context, event }) =>
      event.type === 'TunnelClientRefused' && !admits(context.pin, { host: event.data.clientHost, port: event.data.clientPort }),
    openable: ({ context, event }) =>
      event.type === 'TunnelStreamOpened' && context.liveStreams[event.data.streamId]?.opened === false,
    closable: ({ context, event }) => event.type === 'TunnelStreamClosed' && isLiveStream(context, event.data.streamId),
    notDecreasing: ({ context, event }) => event.type === 'TunnelTrafficRecorded' && notBelowFloor(context, event.data),
    finalTotals: ({ context, event }) =>
      event.type === 'TunnelClosed' &&
      notBelowFloor(context, event.data) &&
      event.data.bytesTransferred === event.data.bytesToDevice + event.data.bytesFromDevice,
  },
}).createMachine({
  id: 'tunnel',
  initial: 'absent',
  context: {
    tunnelId: '',
    device: '',
    tenantId: '',
    protocol: 'tcp',
    devicePort: 0,
    encrypted: false,
    port: 0,
    host: '',
    relay: '',
    requestedBy: { id: '', role: 'system' },
    tokenHash: '',
    createdTime: '',
    liveStreams: {},
    streamsAttached: 0,
    refusedPeers: [],
    bytesToDevice: 0,
    bytesFromDevice: 0,
    closedStreamBytesToDevice: 0,
    closedStreamBytesFromDevice: 0,
  },
  states: {
    absent: {
      on: {
        TunnelOpened: {
          target: 'open',
          actions: assign(({ context, event }) => {
            const { source, sourceAddresses, ...opened } = event.data;
            return {
              ...context,
              ...opened,
              ...(source === undefined ? {} : { source, pin: pinFromSource(source, sourceAddresses ?? [source.host]) }),
            };
          }),
        },
      },
    },
    open: {
      on: {
        TunnelClientAttached: {
          guard: 'attachable',
          actions: assign(({ context, event }) => {
            const { streamId, clientHost, clientPort, pinned, agentIP } = event.data;
            const client = { host: clientHost, port: clientPort };
            return {
              liveStreams: withAttached(context.liveStreams, streamId, clientHost, clientPort),
              streamsAttached: context.streamsAttached + 1,
              clientIP: context.clientIP ?? clientHost,
              agentIP: agentIP ?? context.agentIP,
              ...(pinned ? { pin: pinToClient(context.protocol, client) } : {}),
            };
          }),
        },
        TunnelClientRefused: {
          guard: 'refusable',
          actions: assign({
            refusedPeers: ({ context, event }) => {
              const key = peerKey(context.protocol, { host: event.data.clientHost, port: event.data.clientPort });
              return context.refusedPeers.includes(key) ? context.refusedPeers : [...context.refusedPeers, key];
            },
          }),
        },
        TunnelStreamOpened: {
          guard: 'openable',
          actions: assign(({ context, event }) => ({
            liveStreams: withOpened(context.liveStreams, event.data.streamId),
            agentIP: event.data.agentIP ?? context.agentIP,
          })),
        },
        TunnelStreamClosed: {
          guard: 'closable',
          actions: assign(({ context, event }) => ({
            liveStreams: withoutStream(context.liveStreams, event.data.streamId),
            closedStreamBytesToDevice: context.closedStreamBytesToDevice + event.data.bytesToDevice,
            closedStreamBytesFromDevice: context.closedStreamBytesFromDevice + event.data.bytesFromDevice,
          })),
        },
        TunnelTrafficRecorded: {
          guard: 'notDecreasing',
          actions: assign(({ event }) => ({ bytesToDevice: event.data.bytesToDevice, bytesFromDevice: event.data.bytesFromDevice })),
        },
        TunnelRelayReported: {
          actions: assign(({ event }) => event.data),
        },
        TunnelClosed: {
          guard: 'finalTotals',
          target: 'closed',
          actions: assign(({ event }) => ({
            liveStreams: {},
            cause: event.data.cause,
            endTime: event.data.endTime,
            bytesToDevice: event.data.bytesToDevice,
            bytesFromDevice: event.data.bytesFromDevice,
          })),
        },
      },
    },
    closed: { type: 'final' },
  },
});
