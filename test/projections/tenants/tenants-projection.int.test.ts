import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTetherError } from '../../../domain/errors.js';
import type { PublishedChange } from '../../../projections/projection.js';
import { ProjectionFailed } from '../../../projections/projection-failed.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import {
  getTenant,
  listTenants,
  tenantsProjection,
  visibleTenantIds,
} from '../../../projections/tenants/index.js';
import { dumpTables, event, recordingLogger, workspace, type Workspace } from '../projection-fixtures.js';

let ws: Workspace;
let runner: ProjectionRunner;
let changes: PublishedChange[];

beforeEach(async () => {
  ws = workspace();
  runner = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections: [tenantsProjection], logger: recordingLogger() });
  changes = [];
  runner.onChange((change) => changes.push(change));
  await runner.start();
});

afterEach(async () => {
  await runner.stop();
  await ws.dispose();
});

const minute = (n: number): string => `2026-03-01T10:${String(n).padStart(2, '0')}:00.000Z`;

async function append(tenantId: string, type: string, data: Record<string, unknown>, at: string): Promise<number> {
  const { position } = await ws.store.append(`tenant-${tenantId}`, [event(type, { tenantId, ...data }, at)], 'any');
  await runner.waitFor(position, 5000);
  return position;
}

const create = (tenantId: string, at = minute(0)): Promise<number> =>
  append(tenantId, 'TenantCreated', { name: `${tenantId} Ltd`, passwordHash: 'scrypt$secret' }, at);

const grant = (tenantId: string, grantedTenantId: string, at = minute(5)): Promise<number> =>
  append(tenantId, 'TenantAccessGranted', { grantedTenantId }, at);

describe('tenants projection', () => {
  it('keeps the public view of a tenant, dated by its events, without the password hash', async () => {
    await create('acme', minute(1));
    await append('acme', 'TenantPasswordChanged', { passwordHash: 'scrypt$other' }, minute(2));

    expect(runner.read((db) => getTenant(db, 'acme'))).toEqual({
      id: 'acme',
      name: 'acme Ltd',
      grants: [],
      passwordDeployment: true,
      createdAt: minute(1),
      updatedAt: minute(2),
    });
    const columns = runner.read((db) => db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('tenants'));
    expect(columns).toEqual(['id', 'name', 'password_deployment', 'created_at', 'updated_at', 'position']);
    const everything = JSON.stringify(runner.read((db) => dumpTables(db, ['tenants', 'tenant_grants'])));
    expect(everything).not.toContain('scrypt');
  });

  it('keeps whether the tenant deploys its password to devices, and never its sealed password', async () => {
    await append('acme', 'TenantCreated', { name: 'acme Ltd', passwordHash: 'scrypt$secret', sealedPassword: 'v1.sealed' }, minute(1));
    await append('acme', 'TenantPasswordDeploymentChanged', { enabled: false }, minute(3));
    expect(runner.read((db) => getTenant(db, 'acme'))).toMatchObject({ passwordDeployment: false, updatedAt: minute(3) });
    expect(changes.at(-1)).toMatchObject({ name: 'tenant.changed', payload: { id: 'acme', passwordDeployment: false } });
    await append('acme', 'TenantPasswordDeploymentChanged', { enabled: true }, minute(4));
    expect(runner.read((db) => getTenant(db, 'acme'))?.passwordDeployment).toBe(true);
    expect(JSON.stringify(runner.read((db) => dumpTables(db, ['tenants'])))).not.toContain('sealed');
    expect(runner.read((db) => getTenant(db, 'nobody'))).toBeUndefined();
  });

  it('publishes tenant.changed with the position, naming the tenant, also when a grant lets another see it', async () => {
    const created = await create('acme');
    await create('globex');
    const granted = await grant('globex', 'acme', minute(7));

    expect(changes[0]).toEqual({
      name: 'tenant.changed',
      tenants: ['acme'],
      payload: { id: 'acme', name: 'acme Ltd', grants: [], passwordDeployment: true, createdAt: minute(0), updatedAt: minute(0) },
      position: created,
    });
    expect(changes.slice(2)).toEqual([
      {
        name: 'tenant.changed',
        tenants: ['globex'],
        payload: { id: 'globex', name: 'globex Ltd', grants: ['acme'], passwordDeployment: true, createdAt: minute(0), updatedAt: minute(7) },
        position: granted,
      },
      // acme itself did not change, but globex may now see it.
      {
        name: 'tenant.changed',
        tenants: ['acme'],
        payload: { id: 'acme', name: 'acme Ltd', grants: [], passwordDeployment: true, createdAt: minute(0), updatedAt: minute(0) },
        position: granted,
      },
    ]);
  });

  it('lets a tenant see itself and the tenants granted to it, until revoked', async () => {
    for (const id of ['acme', 'globex', 'initech', 'umbrella']) await create(id);
    await grant('globex', 'acme');
    await grant('globex', 'umbrella');

    const visible = runner.read((db) => visibleTenantIds(db, 'globex'));
    expect(visible).toEqual(['globex', 'acme', 'umbrella']);
    const ids = (visibleTo?: readonly string[]): string[] =>
      runner.read((db) => listTenants(db, { visibleTo, limit: 10 })).map((tenant) => tenant.id);
    expect(ids(visible)).toEqual(['acme', 'globex', 'umbrella']);
    expect(ids(runner.read((db) => visibleTenantIds(db, 'acme')))).toEqual(['acme']);
    expect(ids()).toEqual(['acme', 'globex', 'initech', 'umbrella']);

    await append('globex', 'TenantAccessRevoked', { grantedTenantId: 'acme' }, minute(9));
    expect(runner.read((db) => visibleTenantIds(db, 'globex'))).toEqual(['globex', 'umbrella']);
    expect(runner.read((db) => getTenant(db, 'globex'))?.grants).toEqual(['umbrella']);
    expect(changes.at(-1)).toMatchObject({ tenants: ['globex'], payload: { id: 'globex', grants: ['umbrella'] } });
  });

  it('pages by id with a cursor', async () => {
    for (const id of ['e', 'b', 'd', 'a', 'c']) await create(id);
    const page = (after?: string) => runner.read((db) => listTenants(db, { after, limit: 2 })).map((tenant) => tenant.id);

    expect(page()).toEqual(['a', 'b']);
    expect(page('b')).toEqual(['c', 'd']);
    expect(page('d')).toEqual(['e']);
    expect(page('e')).toEqual([]);
    expect(runner.read((db) => listTenants(db, { visibleTo: ['a', 'c', 'e'], after: 'a', limit: 1 })).map((t) => t.id)).toEqual(['c']);
    expect(runner.read((db) => listTenants(db, { limit: 0 }))).toEqual([]);
  });

  it('rebuilds to the same tables as built incrementally', async () => {
    for (const id of ['acme', 'globex', 'initech']) await create(id);
    await grant('globex', 'acme');
    await grant('initech', 'acme');
    await append('acme', 'TenantPasswordChanged', { passwordHash: 'scrypt$new' }, minute(8));
    await append('initech', 'TenantAccessRevoked', { grantedTenantId: 'acme' }, minute(9));
    const tables = ['tenants', 'tenant_grants', 'checkpoints'];
    const incremental = runner.read((db) => dumpTables(db, tables));

    const fresh = new ProjectionRunner({ store: ws.store, file: `${ws.dir}/readmodels-other.db`, projections: [tenantsProjection] });
    await fresh.rebuild();
    await fresh.start();
    expect(fresh.read((db) => dumpTables(db, tables))).toEqual(incremental);
    await fresh.stop();
  });

  it('stops loudly on a stored tenant event that fails its codec', async () => {
    await ws.store.append('tenant-acme', [event('TenantCreated', { tenantId: 'acme', passwordHash: 'x' })], 'no_stream');

    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toBeInstanceOf(ProjectionFailed);
    const { failure } = runner;
    expect(failure instanceof ProjectionFailed && isTetherError(failure.cause, 'corrupt_event')).toBe(true);
    expect(failure?.details).toContain('data.name');
  });

  it('stops loudly on an event of another tenant stream or of a tenant never created', async () => {
    await ws.store.append('tenant-acme', [event('TenantPasswordChanged', { tenantId: 'acme', passwordHash: 'x' })], 'no_stream');

    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toThrow(/never created/);
  });

  it('refuses a tenant event whose tenant id is not its stream id', async () => {
    await ws.store.append('tenant-acme', [event('TenantCreated', { tenantId: 'globex', name: 'g', passwordHash: 'x' })], 'no_stream');

    await expect(runner.waitFor(await ws.store.headPosition(), 5000)).rejects.toThrow(/names tenant globex/);
  });
});
