// A link as auditors read it: the remote-session fields of the seed (relay-registration.txt:
// agentIP, userIP, createdTime, endTime, terminationCause, bytesTransferred) and what else
// tells who reached which device, from where, through which port.
import type { Role } from '../principal.js';
import type { TunnelState } from './decide.js';
import type { LinkProtocol } from './link-fields.js';
import { trafficFloor } from './machine.js';
import type { TerminationCause } from './termination-cause.js';

export interface SessionRecord {
  readonly id: string;
  readonly state: 'open' | 'closed';
  readonly device: string;
  readonly tenantId: string;
  readonly relay: string;
  readonly protocol: LinkProtocol;
  readonly devicePort: number;
  readonly port: number;
  readonly encrypted: boolean;
  readonly requestedBy: { readonly id: string; readonly role: Role };
  /** Where the API request that opened the link came from. */
  readonly userIP?: string;
  /** The client the link admitted first. */
  readonly clientIP?: string;
  /** The device as the hub saw it. */
  readonly agentIP?: string;
  readonly createdTime: string;
  readonly endTime?: string;
  readonly terminationCause?: TerminationCause;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly bytesTransferred: number;
  readonly streams: number;
  readonly liveStreams: number;
}

/** The record of a link that exists; undefined before TunnelOpened. Totals of an open link are the latest known. */
export function sessionRecord(state: TunnelState): SessionRecord | undefined {
  if (state.matches('absent')) return undefined;
  const { context } = state;
  const { bytesToDevice, bytesFromDevice } = trafficFloor(context);
  return {
    id: context.tunnelId,
    state: state.matches('closed') ? 'closed' : 'open',
    device: context.device,
    tenantId: context.tenantId,
    relay: context.relay,
    protocol: context.protocol,
    devicePort: context.devicePort,
    port: context.port,
    encrypted: context.encrypted,
    requestedBy: context.requestedBy,
    ...(context.userIP === undefined ? {} : { userIP: context.userIP }),
    ...(context.clientIP === undefined ? {} : { clientIP: context.clientIP }),
    ...(context.agentIP === undefined ? {} : { agentIP: context.agentIP }),
    createdTime: context.createdTime,
    ...(context.endTime === undefined ? {} : { endTime: context.endTime }),
    ...(context.cause === undefined ? {} : { terminationCause: context.cause }),
    bytesToDevice,
    bytesFromDevice,
    bytesTransferred: bytesToDevice + bytesFromDevice,
    streams: context.streamsAttached,
    liveStreams: Object.keys(context.liveStreams).length,
  };
}
