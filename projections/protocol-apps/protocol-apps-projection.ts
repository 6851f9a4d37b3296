// The protocol-application read model: the catalogue (one row per template) and which devices
// each is assigned to. A deleted template takes its assignments with it. Template changes go to
// admins only; an assignment goes to the rooms of its tenant.
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { ProtocolAppEvent } from '../../domain/protocol-app/events.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection } from '../projection.js';
import { getAssignment, getProtocolApp } from './protocol-app-queries.js';
import { formatMac } from '../../domain/device/mac.js';

export const protocolAppChanged = 'protocol-app.changed';

export function createProtocolAppTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS protocol_apps (
      id TEXT PRIMARY KEY,
      template TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS protocol_app_assignments (
      app_id TEXT NOT NULL,
      device TEXT NOT NULL,
      tenant_id TEXT NOT NULL,
      assigned_at TEXT NOT NULL,
      PRIMARY KEY (app_id, device)
    );
    CREATE INDEX IF NOT EXISTS protocol_app_assignments_by_device ON protocol_app_assignments (device);
  `);
}

export function dropProtocolAppTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS protocol_app_assignments; DROP TABLE IF EXISTS protocol_apps;');
}

export const protocolAppsProjection: Projection = {
  name: 'protocol-apps',
  // 2: the device's MAC published as 00:11:22:AA:BB:CC.
  version: 2,
  filter: { streamPrefixes: ['protoapp-'] },
  migrate: createProtocolAppTables,
  drop: dropProtocolAppTables,
  apply(db, event) {
    const appEvent = decodeStoredEvent(codecOf(event), event);
    const appId = idOf(event.stream);
    if (appEvent.data.appId !== appId) corrupt(event, `names application ${appEvent.data.appId}`);
    const current = getProtocolApp(db, appId);
    const at = event.metadata.at;
    if (appEvent.type === 'ProtocolAppCreated') {
      if (current !== undefined) corrupt(event, `creates application ${appId} again`);
      db.prepare('INSERT INTO protocol_apps (id, template, created_at, updated_at, position) VALUES (?, ?, ?, ?, ?)').run(
        appId,
        JSON.stringify(appEvent.data.template),
        at,
        at,
        event.position,
      );
      return [{ name: protocolAppChanged, tenants: [], payload: getProtocolApp(db, appId) }];
    }
    if (current === undefined) corrupt(event, `concerns application ${appId}, which does not exist`);
    switch (appEvent.type) {
      case 'ProtocolAppUpdated':
        db.prepare('UPDATE protocol_apps SET template = ?, updated_at = ?, position = ? WHERE id = ?').run(JSON.stringify(appEvent.data.template), at, event.position, appId);
        return [{ name: protocolAppChanged, tenants: [], payload: getProtocolApp(db, appId) }];
      case 'ProtocolAppDeleted':
        db.prepare('DELETE FROM protocol_app_assignments WHERE app_id = ?').run(appId);
        db.prepare('DELETE FROM protocol_apps WHERE id = ?').run(appId);
        return [{ name: protocolAppChanged, tenants: [], payload: { id: appId, deleted: true } }];
      case 'ProtocolAppAssigned': {
        const { device, tenantId } = appEvent.data;
        db.prepare('INSERT INTO protocol_app_assignments (app_id, device, tenant_id, assigned_at) VALUES (?, ?, ?, ?)').run(appId, device, tenantId, at);
        return [{ name: protocolAppChanged, tenants: [tenantId], payload: getAssignment(db, appId, device) }];
      }
      case 'ProtocolAppUnassigned': {
        const { device } = appEvent.data;
        const assignment = getAssignment(db, appId, device) ?? corrupt(event, `unassigns application ${appId} from ${device}, where it is not assigned`);
        db.prepare('DELETE FROM protocol_app_assignments WHERE app_id = ? AND device = ?').run(appId, device);
        return [{ name: protocolAppChanged, tenants: [assignment.tenantId], payload: { appId, device: formatMac(device), unassigned: true } }];
      }
    }
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, ProtocolAppEvent> {
  const codec: t.Decoder<unknown, ProtocolAppEvent> | undefined = ProtocolAppEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a protocol application event');
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
