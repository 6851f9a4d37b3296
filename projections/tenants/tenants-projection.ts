// The tenant read model: one row per tenant and its grants, no password hash.
// Each change names the tenant; dashboards of tenants granted access to it hear it by their scope.
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { TenantEvent } from '../../domain/tenant/events.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { getTenant } from './tenant-queries.js';
import { createTenantTables, dropTenantTables } from './tenant-tables.js';

export const tenantChanged = 'tenant.changed';

export const tenantsProjection: Projection = {
  name: 'tenants',
  // 2: passwordDeployment. 3: changes name only the tenants they concern, so the change log,
  // which held their audiences, starts again from this rebuild; no index by grantee (nothing
  // asks who was granted a tenant any more).
  version: 3,
  filter: { streamPrefixes: ['tenant-'] },
  migrate: createTenantTables,
  drop: dropTenantTables,
  apply(db, event) {
    const tenantEvent = decodeStoredEvent(codecOf(event), event);
    const { tenantId } = tenantEvent.data;
    if (idOf(event.stream) !== tenantId) corrupt(event, `names tenant ${tenantId}`);
    switch (tenantEvent.type) {
      case 'TenantCreated':
        if (getTenant(db, tenantId) !== undefined) corrupt(event, `creates tenant ${tenantId} again`);
        db.prepare('INSERT INTO tenants (id, name, created_at, updated_at, position) VALUES (?, ?, ?, ?, ?)').run(
          tenantId,
          tenantEvent.data.name,
          event.metadata.at,
          event.metadata.at,
          event.position,
        );
        return [changeOf(db, tenantId)];
      case 'TenantPasswordChanged':
        touch(db, event, tenantId);
        return [changeOf(db, tenantId)];
      case 'TenantAccessGranted': {
        touch(db, event, tenantId);
        const { grantedTenantId } = tenantEvent.data;
        db.prepare('INSERT OR IGNORE INTO tenant_grants (tenant_id, granted_tenant_id) VALUES (?, ?)').run(
          tenantId,
          grantedTenantId,
        );
        // The granted tenant is unchanged, but it has a new audience that has not seen it yet.
        const granted = getTenant(db, grantedTenantId) === undefined ? [] : [changeOf(db, grantedTenantId)];
        return [changeOf(db, tenantId), ...granted];
      }
      case 'TenantAccessRevoked':
        touch(db, event, tenantId);
        db.prepare('DELETE FROM tenant_grants WHERE tenant_id = ? AND granted_tenant_id = ?').run(
          tenantId,
          tenantEvent.data.grantedTenantId,
        );
        return [changeOf(db, tenantId)];
      case 'TenantPasswordDeploymentChanged':
        touch(db, event, tenantId);
        db.prepare('UPDATE tenants SET password_deployment = ? WHERE id = ?').run(tenantEvent.data.enabled ? 1 : 0, tenantId);
        return [changeOf(db, tenantId)];
    }
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, TenantEvent> {
  const codec: t.Decoder<unknown, TenantEvent> | undefined = TenantEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a tenant event');
}

function touch(db: Database, event: RecordedEvent, tenantId: string): void {
  const { changes } = db
    .prepare('UPDATE tenants SET updated_at = ?, position = ? WHERE id = ?')
    .run(event.metadata.at, event.position, tenantId);
  if (changes === 0) corrupt(event, `changes tenant ${tenantId}, which was never created`);
}

function changeOf(db: Database, tenantId: string): ReadModelChange {
  return { name: tenantChanged, tenants: [tenantId], payload: getTenant(db, tenantId) };
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
