// The remote-session read model: one row per tunnel (stream tunnel-<uuid>), updated as
// clients attach, streams open and close, traffic is recorded and the tunnel closes. A change
// goes to the rooms of the tenant the tunnel was opened for and of the tenants granted access
// to it; admins and auditors of every tenant hear all of them.
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { TunnelEvent } from '../../domain/tunnel/events.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { forwardEntryAfter } from './forward-session-entry.js';
import { nextEntry, openedEntry } from './session-entry.js';
import type { SessionEntry } from './session-entry.js';
import { loadSessionEntry, saveSessionEntry, shownSession } from './session-rows.js';
import { createSessionTables, dropSessionTables } from './session-tables.js';

export const sessionChanged = 'session.changed';

export const sessionsProjection: Projection = {
  name: 'sessions',
  // 3: the device's MAC published as 00:11:22:AA:BB:CC.
  version: 3,
  filter: { streamPrefixes: ['tunnel-', 'forward-'] },
  migrate: createSessionTables,
  drop: dropSessionTables,
  apply(db, event) {
    if (event.stream.startsWith('forward-')) {
      const entry = forwardEntryAfter(db, event);
      return entry === undefined ? [] : save(db, entry, { updatedAt: event.metadata.at, position: event.position });
    }
    const tunnelEvent = decodeStoredEvent(codecOf(event), event);
    const id = idOf(event.stream);
    const stamp = { updatedAt: event.metadata.at, position: event.position };
    const known = loadSessionEntry(db, id);
    if (tunnelEvent.type === 'TunnelOpened') {
      if (tunnelEvent.data.tunnelId !== id) corrupt(event, `names link ${tunnelEvent.data.tunnelId}`);
      if (known !== undefined) corrupt(event, `opens link ${id} again`);
      return save(db, openedEntry(tunnelEvent.data), stamp);
    }
    if (known === undefined) corrupt(event, `concerns link ${id}, which was never opened`);
    if (known.view.state === 'closed') corrupt(event, `follows the end of link ${id}`);
    const next = nextEntry(known, tunnelEvent);
    return next === undefined ? [] : save(db, next, stamp);
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, TunnelEvent> {
  const codec: t.Decoder<unknown, TunnelEvent> | undefined = TunnelEvent.types.find(
    (member) => member.props.type.value === event.type,
  );
  return codec ?? corrupt(event, 'is not a tunnel event');
}

function save(db: Database, entry: SessionEntry, stamp: { readonly updatedAt: string; readonly position: number }): readonly ReadModelChange[] {
  saveSessionEntry(db, entry, stamp);
  return [{ name: sessionChanged, tenants: [entry.view.tenantId], payload: shownSession(entry.view) }];
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
