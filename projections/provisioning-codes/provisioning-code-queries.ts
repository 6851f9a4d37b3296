// Pure reads on the provisioning-code read model. Every read takes the time to judge
// expiry by, because a code is dead at `expiresAt` whether or not its expiry was recorded.
import type { Database } from '../projection.js';
import type { ProvisioningCodeState, ProvisioningCodeView } from './provisioning-code-view.js';

interface ProvisioningCodeRow {
  readonly codeId: string;
  readonly tenantId: string;
  readonly expiresAt: string;
  readonly maxUses: number | null;
  readonly uses: number;
  readonly state: ProvisioningCodeState;
  readonly createdAt: string;
}

const selectView = `
  SELECT code_id AS codeId, tenant_id AS tenantId, expires_at AS expiresAt, max_uses AS maxUses, uses, state,
    created_at AS createdAt
  FROM provisioning_codes`;

const isPast = (expiresAt: string, now: Date): boolean => Date.parse(expiresAt) <= now.getTime();

const toView = (row: ProvisioningCodeRow, now: Date): ProvisioningCodeView => ({
  codeId: row.codeId,
  tenantId: row.tenantId,
  expiresAt: row.expiresAt,
  ...(row.maxUses === null ? {} : { maxUses: row.maxUses }),
  uses: row.uses,
  createdAt: row.createdAt,
  state: row.state === 'live' && isPast(row.expiresAt, now) ? 'expired' : row.state,
});

/** The tenant's codes that can still be redeemed at `now`, oldest first. */
export function listLiveProvisioningCodes(db: Database, tenantId: string, now: Date): ProvisioningCodeView[] {
  return db
    .prepare<[string], ProvisioningCodeRow>(`${selectView} WHERE tenant_id = ? AND state = 'live' ORDER BY created_at, code_id`)
    .all(tenantId)
    .map((row) => toView(row, now))
    .filter((view) => view.state === 'live');
}

export function getProvisioningCode(db: Database, codeId: string, now: Date): ProvisioningCodeView | undefined {
  const row = db.prepare<[string], ProvisioningCodeRow>(`${selectView} WHERE code_id = ?`).get(codeId);
  return row === undefined ? undefined : toView(row, now);
}
