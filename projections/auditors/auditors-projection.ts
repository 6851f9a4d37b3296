// The auditor read model: one row per auditor account, no password hash. Changes concern
// no tenant, so only admins' dashboards could hear of them.
import type * as t from 'io-ts';
import { AuditorEvent } from '../../domain/auditor/events.js';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { getAuditor } from './auditor-queries.js';
import { createAuditorTables, dropAuditorTables } from './auditor-tables.js';

export const auditorChanged = 'auditor.changed';

export const auditorsProjection: Projection = {
  name: 'auditors',
  version: 1,
  filter: { streamPrefixes: ['auditor-'] },
  migrate: createAuditorTables,
  drop: dropAuditorTables,
  apply(db, event) {
    const auditorEvent = decodeStoredEvent(codecOf(event), event);
    const { auditorId } = auditorEvent.data;
    if (idOf(event.stream) !== auditorId) corrupt(event, `names auditor ${auditorId}`);
    switch (auditorEvent.type) {
      case 'AuditorCreated': {
        if (getAuditor(db, auditorId) !== undefined) corrupt(event, `creates auditor ${auditorId} again`);
        const { name, tenants } = auditorEvent.data;
        db.prepare('INSERT INTO auditors (id, name, tenants, created_at, updated_at, position) VALUES (?, ?, ?, ?, ?, ?)').run(
          auditorId,
          name,
          tenants === undefined ? null : JSON.stringify(tenants),
          event.metadata.at,
          event.metadata.at,
          event.position,
        );
        return [changeOf(db, auditorId)];
      }
      case 'AuditorPasswordChanged':
        touch(db, event, auditorId, false);
        return [changeOf(db, auditorId)];
      case 'AuditorDisabled':
        touch(db, event, auditorId, true);
        return [changeOf(db, auditorId)];
    }
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, AuditorEvent> {
  const codec: t.Decoder<unknown, AuditorEvent> | undefined = AuditorEvent.types.find(
    (member) => member.props.type.value === event.type,
  );
  return codec ?? corrupt(event, 'is not an auditor event');
}

function touch(db: Database, event: RecordedEvent, auditorId: string, disable: boolean): void {
  // max(): disabled is for good, whatever follows.
  const { changes } = db
    .prepare('UPDATE auditors SET updated_at = ?, position = ?, disabled = max(disabled, ?) WHERE id = ?')
    .run(event.metadata.at, event.position, disable ? 1 : 0, auditorId);
  if (changes === 0) corrupt(event, `changes auditor ${auditorId}, which was never created`);
}

function changeOf(db: Database, auditorId: string): ReadModelChange {
  return { name: auditorChanged, tenants: [], payload: getAuditor(db, auditorId) };
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
