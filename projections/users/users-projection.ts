// The user read model: one row per person's account, no password hash. Changes concern no
// tenant, so only admins' dashboards could hear of them.
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { UserEvent } from '../../domain/user/events.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { getUser } from './user-queries.js';
import { createUserTables, dropUserTables } from './user-tables.js';

export const userChanged = 'user.changed';

export const usersProjection: Projection = {
  name: 'users',
  version: 1,
  filter: { streamPrefixes: ['user-'] },
  migrate: createUserTables,
  drop: dropUserTables,
  apply(db, event) {
    const userEvent = decodeStoredEvent(codecOf(event), event);
    const { userId } = userEvent.data;
    if (idOf(event.stream) !== userId) corrupt(event, `names user ${userId}`);
    switch (userEvent.type) {
      case 'UserCreated': {
        const { name, email, role, tenants } = userEvent.data;
        const { changes } = db
          .prepare(
            'INSERT INTO users (id, name, email, role, tenants, created_at, updated_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
          )
          .run(userId, name, email ?? null, role, tenants === undefined ? null : JSON.stringify(tenants), event.metadata.at, event.metadata.at, event.position);
        if (changes === 0) corrupt(event, `creates user ${userId} again`);
        break;
      }
      case 'UserPasswordChanged':
        touch(db, event, userId, '');
        break;
      case 'UserDisabled':
        touch(db, event, userId, ', disabled = 1');
        break;
      case 'UserEnabled':
        touch(db, event, userId, ', disabled = 0');
        break;
      case 'UserDeleted':
        touch(db, event, userId, ', deleted = 1');
        break;
    }
    return [changeOf(db, userId)];
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, UserEvent> {
  const codec: t.Decoder<unknown, UserEvent> | undefined = UserEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a user event');
}

function touch(db: Database, event: RecordedEvent, userId: string, set: string): void {
  const { changes } = db.prepare(`UPDATE users SET updated_at = ?, position = ?${set} WHERE id = ?`).run(event.metadata.at, event.position, userId);
  if (changes === 0) corrupt(event, `changes user ${userId}, which was never created`);
}

/** A deleted user's change carries no payload: there is nothing left to show. */
function changeOf(db: Database, userId: string): ReadModelChange {
  return { name: userChanged, tenants: [], payload: getUser(db, userId) ?? null };
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
