import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectionFailed } from '../../../projections/projection-failed.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import {
  getProvisioningCode,
  listLiveProvisioningCodes,
  provisioningCodesProjection,
} from '../../../projections/provisioning-codes/index.js';
import { dumpTables, event, recordingLogger, workspace, type Workspace } from '../projection-fixtures.js';

let ws: Workspace;
let runner: ProjectionRunner;

beforeEach(async () => {
  ws = workspace();
  runner = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections: [provisioningCodesProjection], logger: recordingLogger() });
  await runner.start();
});

afterEach(async () => {
  await runner.stop();
  await ws.dispose();
});

const issuedAt = '2026-03-01T10:00:00.000Z';
const expiresAt = '2026-03-01T11:00:00.000Z';
const before = new Date('2026-03-01T10:30:00.000Z');
const codeId = (n: number): string => n.toString(16).padStart(32, '0');

async function append(id: string, type: string, data: Record<string, unknown> = {}): Promise<void> {
  const { position } = await ws.store.append(`provisioning-${id}`, [event(type, { codeId: id, ...data }, issuedAt)], 'any');
  await runner.waitFor(position, 5000);
}

const issue = (id: string, tenantId = 'acme', maxUses?: number): Promise<void> =>
  append(id, 'ProvisioningCodeIssued', { tenantId, expiresAt, ...(maxUses === undefined ? {} : { maxUses }) });

const live = (tenantId: string, now = before): string[] =>
  runner.read((db) => listLiveProvisioningCodes(db, tenantId, now)).map((view) => view.codeId);

describe('provisioning codes projection', () => {
  it('keeps each code of a tenant with its uses, and never the code itself', async () => {
    await issue(codeId(1), 'acme', 2);
    await append(codeId(1), 'ProvisioningCodeRedeemed', { mac: '001122aabbcc' });

    expect(runner.read((db) => getProvisioningCode(db, codeId(1), before))).toEqual({
      codeId: codeId(1),
      tenantId: 'acme',
      expiresAt,
      maxUses: 2,
      uses: 1,
      createdAt: issuedAt,
      state: 'live',
    });
    await issue(codeId(2));
    expect(runner.read((db) => getProvisioningCode(db, codeId(2), before))).not.toHaveProperty('maxUses');
    expect(live('acme')).toEqual([codeId(1), codeId(2)]);
    expect(live('globex')).toEqual([]);
  });

  it('lists only live codes: not used up, revoked or expired', async () => {
    for (const n of [1, 2, 3, 4]) await issue(codeId(n), 'acme', 1);
    await append(codeId(1), 'ProvisioningCodeRedeemed', { mac: '001122aabbcc' });
    await append(codeId(2), 'ProvisioningCodeRevoked');
    await append(codeId(3), 'ProvisioningCodeExpired');

    expect(live('acme')).toEqual([codeId(4)]);
    const state = (n: number): string | undefined => runner.read((db) => getProvisioningCode(db, codeId(n), before))?.state;
    expect([1, 2, 3, 4].map(state)).toEqual(['used-up', 'revoked', 'expired', 'live']);
    // A used-up code may still be revoked.
    await append(codeId(1), 'ProvisioningCodeRevoked');
    expect(state(1)).toBe('revoked');
  });

  it('judges expiry by the clock at query time, before the expiry is recorded', async () => {
    await issue(codeId(1));
    expect(live('acme', new Date('2026-03-01T10:59:59.999Z'))).toEqual([codeId(1)]);
    expect(live('acme', new Date(expiresAt))).toEqual([]);
    expect(runner.read((db) => getProvisioningCode(db, codeId(1), new Date(expiresAt)))?.state).toBe('expired');
  });

  it('rebuilds to the same table as built incrementally', async () => {
    for (const n of [1, 2, 3]) await issue(codeId(n), n === 2 ? 'globex' : 'acme', n);
    await append(codeId(1), 'ProvisioningCodeRedeemed', { mac: '001122aabbcc' });
    await append(codeId(3), 'ProvisioningCodeRedeemed', { mac: '001122aabbcc' });
    await append(codeId(2), 'ProvisioningCodeExpired');
    const tables = ['provisioning_codes', 'checkpoints'];
    const incremental = runner.read((db) => dumpTables(db, tables));

    const fresh = new ProjectionRunner({ store: ws.store, file: `${ws.dir}/readmodels-other.db`, projections: [provisioningCodesProjection] });
    await fresh.rebuild();
    await fresh.start();
    expect(fresh.read((db) => dumpTables(db, tables))).toEqual(incremental);
    await fresh.stop();
  });

  it('stops loudly on a stored event that fails its codec', async () => {
    await ws.store.append(`provisioning-${codeId(1)}`, [event('ProvisioningCodeIssued', { codeId: codeId(1), expiresAt })], 'no_stream');
    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toBeInstanceOf(ProjectionFailed);
    expect(runner.failure?.details).toContain('data.tenantId');
  });

  it('stops loudly on an event of a code never issued', async () => {
    await ws.store.append(`provisioning-${codeId(1)}`, [event('ProvisioningCodeRevoked', { codeId: codeId(1) })], 'no_stream');
    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toThrow(/never issued/);
  });

  it('refuses a code id that is not its stream id', async () => {
    await ws.store.append(`provisioning-${codeId(1)}`, [event('ProvisioningCodeIssued', { codeId: codeId(2), tenantId: 'acme', expiresAt })], 'no_stream');
    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toThrow(/names code/);
  });
});
