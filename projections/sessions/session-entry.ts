// The session record folded from the tunnel's events, as the tunnel machine keeps it
// (domain/tunnel/machine.ts, session-record.ts): byte totals of an open tunnel are the latest
// reported ones, never below what its closed streams carried; TunnelClosed makes them final.
import type { TunnelEvent, TunnelOpened } from '../../domain/tunnel/events.js';
import type { SessionView } from './session-view.js';

export interface Totals {
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
}

export interface SessionEntry {
  readonly view: SessionView;
  /** Streams attached and not closed yet. */
  readonly liveStreamIds: readonly string[];
  /** The link's totals as last recorded (TunnelTrafficRecorded, then TunnelClosed). */
  readonly reported: Totals;
  /** Sums over the streams that closed on their own. */
  readonly closedStreams: Totals;
}

const none: Totals = { bytesToDevice: 0, bytesFromDevice: 0 };

/** Recomputes what the view derives from the tallies. */
function settled(entry: SessionEntry): SessionEntry {
  const bytesToDevice = Math.max(entry.reported.bytesToDevice, entry.closedStreams.bytesToDevice);
  const bytesFromDevice = Math.max(entry.reported.bytesFromDevice, entry.closedStreams.bytesFromDevice);
  return {
    ...entry,
    view: {
      ...entry.view,
      bytesToDevice,
      bytesFromDevice,
      bytesTransferred: bytesToDevice + bytesFromDevice,
      liveStreams: entry.liveStreamIds.length,
    },
  };
}

export function openedEntry(data: TunnelOpened['data']): SessionEntry {
  return settled({
    view: {
      kind: 'devicelink',
      id: data.tunnelId,
      state: 'open',
      device: data.device,
      tenantId: data.tenantId,
      relay: data.relay,
      protocol: data.protocol,
      devicePort: data.devicePort,
      port: data.port,
      encrypted: data.encrypted,
      requestedBy: { id: data.requestedBy.id, role: data.requestedBy.role },
      ...(data.userIP === undefined ? {} : { userIP: data.userIP }),
      createdTime: data.createdTime,
      bytesToDevice: 0,
      bytesFromDevice: 0,
      bytesTransferred: 0,
      streams: 0,
      liveStreams: 0,
    },
    liveStreamIds: [],
    reported: none,
    closedStreams: none,
  });
}

/** The entry after an event of an open link; undefined when the record does not change. */
export function nextEntry(entry: SessionEntry, event: Exclude<TunnelEvent, TunnelOpened>): SessionEntry | undefined {
  const { view } = entry;
  switch (event.type) {
    case 'TunnelClientAttached': {
      const agentIP = event.data.agentIP ?? view.agentIP;
      return settled({
        ...entry,
        view: { ...view, streams: view.streams + 1, clientIP: view.clientIP ?? event.data.clientHost, ...(agentIP === undefined ? {} : { agentIP }) },
        liveStreamIds: [...entry.liveStreamIds, event.data.streamId],
      });
    }
    case 'TunnelClientRefused':
      return undefined;
    case 'TunnelStreamOpened': {
      const { agentIP } = event.data;
      return agentIP === undefined || agentIP === view.agentIP ? undefined : { ...entry, view: { ...view, agentIP } };
    }
    case 'TunnelStreamClosed': {
      const { streamId, bytesToDevice, bytesFromDevice } = event.data;
      if (!entry.liveStreamIds.includes(streamId)) return undefined;
      return settled({
        ...entry,
        liveStreamIds: entry.liveStreamIds.filter((id) => id !== streamId),
        closedStreams: {
          bytesToDevice: entry.closedStreams.bytesToDevice + bytesToDevice,
          bytesFromDevice: entry.closedStreams.bytesFromDevice + bytesFromDevice,
        },
      });
    }
    case 'TunnelRelayReported':
      return { ...entry, view: { ...view, ...event.data } };
    case 'TunnelTrafficRecorded':
      return settled({ ...entry, reported: { bytesToDevice: event.data.bytesToDevice, bytesFromDevice: event.data.bytesFromDevice } });
    case 'TunnelClosed': {
      const { cause, endTime, bytesToDevice, bytesFromDevice } = event.data;
      return settled({
        ...entry,
        view: { ...view, state: 'closed', endTime, terminationCause: cause },
        liveStreamIds: [],
        reported: { bytesToDevice, bytesFromDevice },
      });
    }
  }
}
