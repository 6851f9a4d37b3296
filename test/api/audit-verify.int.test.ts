// The hash chains checked against a store tampered with behind the hub's back, through
// SQLite itself, as someone with access to the file could.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLogFile } from '../../api/event-store-factory.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { positionStride, startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

describe('GET /audit/verify', () => {
  let t: TestHub;
  let db: Database.Database;
  let auditor: string;
  let acmeAuditor: string;

  beforeAll(async () => {
    t = await startTestHub();
    const admin = await t.adminToken();
    for (const id of ['acme', 'globex']) await t.createTenant(admin, id);
    for (const [url, payload] of [
      ['/api/v1/tenants/acme/password', { password: 'acme-second-password' }],
      ['/api/v1/tenants/globex/password', { password: 'globex-second-password' }],
      ['/api/v1/tenants/globex/password-deployment', { enabled: false }],
    ] as const) {
      expect((await t.call({ method: 'PUT', url, token: admin, payload })).statusCode).toBe(200);
    }
    await createAuditor(t, admin, 'everywhere');
    await createAuditor(t, admin, 'acme-only', ['acme']);
    auditor = await auditorToken(t, 'everywhere');
    acmeAuditor = await auditorToken(t, 'acme-only');
    db = new Database(eventLogFile(t.dataDir));
  });
  afterAll(async () => {
    db.close();
    await t.close();
  });

  const verify = async (query = '', token = auditor) => {
    const response = await t.call({ method: 'GET', url: `/api/v1/audit/verify${query}`, token });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  };
  // The row's id in the file, as the store shows it to its readers.
  const positionOf = (stream: string, revision: number): number =>
    positionStride * (db.prepare<[string, number], number>('SELECT position FROM events WHERE stream = ? AND revision = ?').pluck().get(stream, revision) ?? -1);

  it('finds every chain intact: counts the streams and events it checked', async () => {
    const all = await t.hub.store.readAll();
    expect(await verify()).toEqual({ status: 200, body: { ok: true, streams: new Set(all.map((e) => e.stream)).size, events: all.length } });
    expect(await verify('?stream=tenant-globex')).toEqual({ status: 200, body: { ok: true, streams: 1, events: 3 } });
  });

  it('names the first event whose content was altered', async () => {
    const original = db.prepare<[], string>("SELECT data FROM events WHERE stream = 'tenant-globex' AND revision = 1").pluck().get() ?? '';
    db.prepare("UPDATE events SET data = json_set(data, '$.passwordHash', 'scrypt$forged') WHERE stream = 'tenant-globex' AND revision = 1").run();
    try {
      const broken = { stream: 'tenant-globex', revision: 1, position: positionOf('tenant-globex', 1), reason: 'hash-mismatch' };
      expect(await verify()).toEqual({ status: 200, body: { ok: false, firstBreak: broken } });
      expect(await verify('?stream=tenant-globex')).toEqual({ status: 200, body: { ok: false, firstBreak: broken } });
      expect((await verify('?stream=tenant-acme')).body).toMatchObject({ ok: true, events: 2 });
    } finally {
      db.prepare("UPDATE events SET data = ? WHERE stream = 'tenant-globex' AND revision = 1").run(original);
    }
    expect((await verify()).body).toMatchObject({ ok: true });
  });

  it('names the event after one that was removed, and the earliest break in store order', async () => {
    const removed = db.prepare("SELECT * FROM events WHERE stream = 'tenant-globex' AND revision = 1").get() as Record<string, unknown>;
    db.prepare("DELETE FROM events WHERE stream = 'tenant-globex' AND revision = 1").run();
    // A later break in another stream: the one reported is the first in store order.
    db.prepare("UPDATE events SET type = 'TenantRenamed' WHERE stream = 'auditor-acme-only' AND revision = 0").run();
    try {
      const broken = { stream: 'tenant-globex', revision: 2, position: positionOf('tenant-globex', 2), reason: 'previous-hash-mismatch' };
      expect(await verify()).toEqual({ status: 200, body: { ok: false, firstBreak: broken } });
      expect((await verify('?stream=auditor-acme-only')).body).toMatchObject({ ok: false, firstBreak: { revision: 0, reason: 'hash-mismatch' } });
    } finally {
      db.prepare('INSERT INTO events (position, stream, revision, type, data, metadata) VALUES (:position, :stream, :revision, :type, :data, :metadata)').run(removed);
      db.prepare("UPDATE events SET type = 'AuditorCreated' WHERE stream = 'auditor-acme-only' AND revision = 0").run();
    }
    expect((await verify()).body).toMatchObject({ ok: true });
  });

  it('checks for a scoped auditor only the streams it may see', async () => {
    expect(await verify('', acmeAuditor)).toEqual({ status: 200, body: { ok: true, streams: 1, events: 2 } });
    expect((await verify('?stream=tenant-globex', acmeAuditor)).status).toBe(404);
  });

  it('answers 404 for an unknown stream, 400 for a bad name, 403 to a tenant-admin', async () => {
    expect((await verify('?stream=tenant-nowhere')).status).toBe(404);
    expect((await verify('?stream=bad')).body).toMatchObject({ error: { code: 'validation_failed', details: ['query.stream'] } });
    expect((await verify('', await t.tenantToken('acme', 'acme-second-password'))).status).toBe(403);
  });
});
