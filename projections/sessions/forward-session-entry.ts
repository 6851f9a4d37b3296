// Sessions of proxies and protocol applications (streams forward-<uuid>) in the one session
// read model, folded as the forward machine keeps them (domain/forward-session/machine.ts):
// totals of an open session are the latest reported, never below what its closed streams
// carried; ForwardClosed makes them final. The target side stands where a tunnel's device
// does: bytesToDevice are the bytes sent to the target, bytesFromDevice those it returned.
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import type { ForwardOpened } from '../../domain/forward-session/events.js';
import { ForwardEvent } from '../../domain/forward-session/events.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database } from '../projection.js';
import { nextEntry } from './session-entry.js';
import type { SessionEntry } from './session-entry.js';
import { loadSessionEntry } from './session-rows.js';

const none = { bytesToDevice: 0, bytesFromDevice: 0 };

const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

export function openedForwardEntry(data: ForwardOpened['data']): SessionEntry {
  return {
    view: {
      kind: data.kind,
      id: data.sessionId,
      state: 'open',
      // A proxy to a host or plugin goes through no device and belongs to no tenant: only admins see it.
      device: data.device ?? '',
      tenantId: data.tenantId ?? '',
      relay: data.relay,
      protocol: data.transport,
      devicePort: data.devicePort ?? data.target.port,
      port: data.port ?? 0,
      encrypted: false,
      requestedBy: { id: data.requestedBy.id, role: data.requestedBy.role },
      ...(data.userIP === undefined ? {} : { userIP: data.userIP }),
      createdTime: data.createdTime,
      bytesToDevice: 0,
      bytesFromDevice: 0,
      bytesTransferred: 0,
      streams: 0,
      liveStreams: 0,
      ...(data.kind === 'proxy' ? { proxyId: data.sourceId } : { appId: data.sourceId }),
      mode: data.mode,
      target: hostPort(data.target.host, data.target.port),
      ...(data.endpoint === undefined ? {} : { endpoint: data.endpoint }),
      tls: data.tls ?? false,
    },
    liveStreamIds: [],
    reported: none,
    closedStreams: none,
  };
}

/** The entry after a forward event, or undefined when the record does not change. */
export function forwardEntryAfter(db: Database, event: RecordedEvent): SessionEntry | undefined {
  const forwardEvent = decodeStoredEvent(codecOf(event), event);
  const id = idOf(event.stream);
  const known = loadSessionEntry(db, id);
  if (forwardEvent.type === 'ForwardOpened') {
    if (forwardEvent.data.sessionId !== id) corrupt(event, `names session ${forwardEvent.data.sessionId}`);
    if (known !== undefined) corrupt(event, `opens session ${id} again`);
    return openedForwardEntry(forwardEvent.data);
  }
  if (known === undefined) corrupt(event, `concerns session ${id}, which was never opened`);
  if (known.view.state === 'closed') corrupt(event, `follows the end of session ${id}`);
  // The same fold as a tunnel's, in its words.
  switch (forwardEvent.type) {
    case 'ForwardStreamAttached':
      return nextEntry(known, { type: 'TunnelClientAttached', data: { ...forwardEvent.data, pinned: false } });
    case 'ForwardStreamOpened':
      return nextEntry(known, { type: 'TunnelStreamOpened', data: forwardEvent.data });
    case 'ForwardStreamClosed': {
      const { streamId, cause, bytesToTarget, bytesFromTarget } = forwardEvent.data;
      return nextEntry(known, { type: 'TunnelStreamClosed', data: { streamId, cause, bytesToDevice: bytesToTarget, bytesFromDevice: bytesFromTarget } });
    }
    case 'ForwardTrafficRecorded':
      return nextEntry(known, {
        type: 'TunnelTrafficRecorded',
        data: { bytesToDevice: forwardEvent.data.bytesToTarget, bytesFromDevice: forwardEvent.data.bytesFromTarget },
      });
    case 'ForwardClosed': {
      const { cause, endTime, bytesToTarget, bytesFromTarget, bytesTransferred } = forwardEvent.data;
      return nextEntry(known, { type: 'TunnelClosed', data: { cause, endTime, bytesToDevice: bytesToTarget, bytesFromDevice: bytesFromTarget, bytesTransferred } });
    }
  }
}

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, ForwardEvent> {
  const codec: t.Decoder<unknown, ForwardEvent> | undefined = ForwardEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a session event of a proxy or protocol application');
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
