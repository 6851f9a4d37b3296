// The provisioning-code read model: one row per issued code, never the code itself.
// Codes are shown through the API only; dashboards hear of their effect on devices.
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { isCodeId } from '../../domain/provisioning/code-id.js';
import { ProvisioningEvent } from '../../domain/provisioning/events.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection } from '../projection.js';
import { createProvisioningCodeTables, dropProvisioningCodeTables } from './provisioning-code-tables.js';

interface Stored {
  readonly state: string;
  readonly uses: number;
  readonly maxUses: number | null;
}

export const provisioningCodesProjection: Projection = {
  name: 'provisioning-codes',
  version: 1,
  filter: { streamPrefixes: ['provisioning-'] },
  migrate: createProvisioningCodeTables,
  drop: dropProvisioningCodeTables,
  apply(db, event) {
    const codeEvent = decodeStoredEvent(codecOf(event), event);
    const { codeId } = codeEvent.data;
    if (idOf(event.stream) !== codeId || !isCodeId(codeId)) corrupt(event, `names code ${codeId}`);
    const stored = db
      .prepare<[string], Stored>('SELECT state, uses, max_uses AS maxUses FROM provisioning_codes WHERE code_id = ?')
      .get(codeId);
    if (codeEvent.type === 'ProvisioningCodeIssued') {
      if (stored !== undefined) corrupt(event, `issues code ${codeId} again`);
      const { tenantId, expiresAt, maxUses } = codeEvent.data;
      db.prepare(
        `INSERT INTO provisioning_codes (code_id, tenant_id, expires_at, max_uses, uses, state, created_at, updated_at, position)
         VALUES (?, ?, ?, ?, 0, 'live', ?, ?, ?)`,
      ).run(codeId, tenantId, expiresAt, maxUses ?? null, event.metadata.at, event.metadata.at, event.position);
      return [];
    }
    const current = stored ?? corrupt(event, `concerns code ${codeId}, which was never issued`);
    switch (codeEvent.type) {
      case 'ProvisioningCodeRedeemed': {
        const uses = current.uses + 1;
        update(db, event, codeId, uses, current.maxUses !== null && uses >= current.maxUses ? 'used-up' : current.state);
        return [];
      }
      case 'ProvisioningCodeRevoked':
        update(db, event, codeId, current.uses, 'revoked');
        return [];
      case 'ProvisioningCodeExpired':
        update(db, event, codeId, current.uses, 'expired');
        return [];
    }
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, ProvisioningEvent> {
  const codec: t.Decoder<unknown, ProvisioningEvent> | undefined = ProvisioningEvent.types.find(
    (member) => member.props.type.value === event.type,
  );
  return codec ?? corrupt(event, 'is not a provisioning event');
}

function update(db: Database, event: RecordedEvent, codeId: string, uses: number, state: string): void {
  db.prepare('UPDATE provisioning_codes SET uses = ?, state = ?, updated_at = ?, position = ? WHERE code_id = ?').run(
    uses,
    state,
    event.metadata.at,
    event.position,
    codeId,
  );
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
