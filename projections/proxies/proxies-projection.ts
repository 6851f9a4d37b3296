// The proxy read model: one row per existing profile; a removed profile's row goes (its
// history stays in the store). Only admins see proxies, so changes go to no tenant's room.
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { ProxyEvent } from '../../domain/proxy/events.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { getProxy, getProxySettings } from './proxy-queries.js';

export const proxyChanged = 'proxy.changed';

export function createProxyTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS proxies (
      id TEXT PRIMARY KEY,
      settings TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
  `);
}

export function dropProxyTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS proxies;');
}

function save(db: Database, event: RecordedEvent, proxyId: string, settings: ProxySettings): readonly ReadModelChange[] {
  db.prepare(
    `INSERT INTO proxies (id, settings, created_at, updated_at, position) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at, position = excluded.position`,
  ).run(proxyId, JSON.stringify(settings), event.metadata.at, event.metadata.at, event.position);
  return [{ name: proxyChanged, tenants: [], payload: getProxy(db, proxyId) }];
}

export const proxiesProjection: Projection = {
  name: 'proxies',
  // 2: a device target's MAC published as 00:11:22:AA:BB:CC.
  version: 2,
  filter: { streamPrefixes: ['proxy-'] },
  migrate: createProxyTables,
  drop: dropProxyTables,
  apply(db, event) {
    const proxyEvent = decodeStoredEvent(codecOf(event), event);
    const proxyId = idOf(event.stream);
    if (proxyEvent.data.proxyId !== proxyId) corrupt(event, `names proxy ${proxyEvent.data.proxyId}`);
    const current = getProxySettings(db, proxyId);
    switch (proxyEvent.type) {
      case 'ProxyCreated':
        if (current !== undefined) corrupt(event, `creates proxy ${proxyId} again`);
        return save(db, event, proxyId, proxyEvent.data.settings);
      case 'ProxyUpdated':
        if (current === undefined) corrupt(event, `edits proxy ${proxyId}, which does not exist`);
        return save(db, event, proxyId, proxyEvent.data.settings);
      case 'ProxyEnabled':
      case 'ProxyDisabled': {
        if (current === undefined) corrupt(event, `switches proxy ${proxyId}, which does not exist`);
        return save(db, event, proxyId, { ...current, enabled: proxyEvent.type === 'ProxyEnabled' });
      }
      case 'ProxyRemoved':
        if (current === undefined) corrupt(event, `removes proxy ${proxyId}, which does not exist`);
        db.prepare('DELETE FROM proxies WHERE id = ?').run(proxyId);
        return [{ name: proxyChanged, tenants: [], payload: { id: proxyId, removed: true } }];
    }
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, ProxyEvent> {
  const codec: t.Decoder<unknown, ProxyEvent> | undefined = ProxyEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a proxy event');
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
