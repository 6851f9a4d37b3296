import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../domain/secret-fields.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { Devices } from './devices-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface Line {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: { readonly actor: { readonly id: string }; readonly at: string; readonly hash: string };
}

const hour = 3_600_000;

describe('GET /audit/events', () => {
  let t: TestHub;
  let admin: string;
  let auditor: string;
  let acmeAuditor: string;
  let acmeCode: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme'); // 00:00
    t.clock.advance(hour);
    await t.createTenant(admin, 'globex'); // 01:00
    t.clock.advance(hour);
    const devices = new Devices(t.hub); // 02:00
    await devices.add({ mac: '00:00:00:00:00:01', tenant: 'acme' });
    await devices.add({ mac: '00:00:00:00:00:02', tenant: 'globex' });
    const issued = await t.call({ method: 'POST', url: '/api/v1/tenants/acme/provisioning-codes', token: admin, payload: {} });
    acmeCode = (issued.json() as { codeId: string }).codeId;
    await t.call({ method: 'POST', url: '/api/v1/tenants/globex/provisioning-codes', token: admin, payload: {} });
    t.clock.advance(hour); // 03:00
    await createAuditor(t, admin, 'everywhere');
    await createAuditor(t, admin, 'acme-only', ['acme']);
    auditor = await auditorToken(t, 'everywhere');
    acmeAuditor = await auditorToken(t, 'acme-only');
  });
  afterAll(async () => t.close());

  const exported = async (query: string, token = auditor): Promise<Line[]> => {
    const response = await t.call({ method: 'GET', url: `/api/v1/audit/events${query}`, token });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    if (response.body === '') return [];
    expect(response.body.endsWith('\n')).toBe(true);
    return response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
  };

  it('exports the whole store in order, one stored event per line, as the store holds it but for its secrets', async () => {
    const lines = await exported('');
    const all = await t.hub.store.readAll();
    expect(lines).toHaveLength(all.length);
    expect(lines).toEqual(
      all.map(({ position, stream, revision, type, data, metadata }) => ({ position, stream, revision, type, data: redactSecrets(type, data), metadata })),
    );
    expect(Object.keys(lines[0] ?? {})).toEqual(['position', 'stream', 'revision', 'type', 'data', 'metadata']);
    expect(lines.find((l) => l.type === 'TenantCreated')?.data.passwordHash).toBe('[redacted]');
    expect(JSON.stringify(lines)).not.toContain('acme-password');
  });

  it('filters by stream, category, type and actor', async () => {
    expect((await exported('?stream=tenant-acme')).map((l) => l.type)).toEqual(['TenantCreated']);
    expect(await exported('?stream=tenant-nowhere')).toEqual([]);
    expect(new Set((await exported('?category=device')).map((l) => l.stream))).toEqual(new Set(['device-000000000001', 'device-000000000002']));
    expect((await exported('?type=TenantCreated')).map((l) => l.stream)).toEqual(['tenant-acme', 'tenant-globex']);
    const bySystem = await exported('?actor=system');
    expect(bySystem.length).toBeGreaterThan(0);
    expect(bySystem.every((l) => l.metadata.actor.id === 'system')).toBe(true);
    expect((await exported('?actor=admin&category=device')).map((l) => l.type)).toEqual(['DeviceAssigned', 'DeviceAssigned']);
    expect((await exported('?category=tenant&type=TenantCreated&stream=tenant-globex')).map((l) => l.stream)).toEqual(['tenant-globex']);
  });

  it('filters by a time range, both ends inclusive', async () => {
    // The job schedulers' leases are taken and renewed whatever the clock says: left out here.
    const withoutLeases = <L extends { stream: string }>(lines: readonly L[]): L[] => lines.filter((l) => !l.stream.startsWith('jobscheduler-'));
    const atOne = withoutLeases(await exported('?from=2026-01-01T01:00:00Z&to=2026-01-01T01:00:00.000Z'));
    expect(atOne.map((l) => `${l.stream} ${l.type}`)).toEqual(['tenant-globex TenantCreated']);
    const fromTwo = await exported('?from=2026-01-01T02:00:00Z');
    expect(fromTwo.length).toBeGreaterThan(0);
    expect(fromTwo.every((l) => l.metadata.at >= '2026-01-01T02:00:00.000Z')).toBe(true);
    // Offsets are honoured: 02:59+01:00 is 01:59Z.
    expect(withoutLeases(await exported('?to=2026-01-01T02:59:00%2B01:00')).map((l) => l.stream)).toEqual(['instance-admin', 'tenant-acme', 'tenant-globex']);
    expect(await exported('?from=2026-01-01')).toHaveLength((await t.hub.store.readAll()).length);
  });

  it('gives a scoped auditor only the streams of its tenants', async () => {
    const streams = new Set((await exported('', acmeAuditor)).map((l) => l.stream));
    expect(streams).toEqual(new Set(['tenant-acme', 'device-000000000001', `provisioning-${acmeCode}`]));
    expect(await exported('?stream=tenant-globex', acmeAuditor)).toEqual([]);
    expect(await exported('?stream=instance-admin', acmeAuditor)).toEqual([]);
  });

  it('is for the admin and auditors only', async () => {
    expect((await exported('?stream=tenant-acme', admin)).length).toBe(1);
    const tenantAdmin = await t.tenantToken('acme', 'acme-password');
    expect((await t.call({ method: 'GET', url: '/api/v1/audit/events', token: tenantAdmin })).statusCode).toBe(403);
    expect((await t.call({ method: 'GET', url: '/api/v1/audit/events' })).statusCode).toBe(401);
  });

  it.each([
    ['?from=yesterday', 'query.from'],
    ['?to=2026-01-01T00:00:00', 'query.to'],
    ['?from=2026-02-30', 'query.from'],
    ['?stream=no_dash', 'query.stream'],
    ['?category=Tenant', 'query.category'],
    ['?type=has%20space', 'query.type'],
    ['?from=2026-01-02&to=2026-01-01', 'query.from'],
  ])('refuses %s with 400 naming %s', async (query, path) => {
    const response = await t.call({ method: 'GET', url: `/api/v1/audit/events${query}`, token: auditor });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: [path] } });
  });
});
