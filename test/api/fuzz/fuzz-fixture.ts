// The hub the route fuzz runs against: two tenants with devices, an auditor, a provisioning
// code, a relay, a proxy, a protocol application and a job of each kind, so that ids that look valid reach past
// the parsers into the deciders. Made through the real API (devices through the runtime).
import { expect } from 'vitest';
import { createAuditor } from '../auditors-fixture.js';
import { Devices } from '../devices-fixture.js';
import { startTestHub } from '../hub-harness.js';
import { firmwareCatalog } from '../job-fixture.js';
import type { TestHub } from '../hub-harness.js';
import type { KnownValues } from './fuzz-requests.js';

export const tenantPasswords: Record<string, string> = { acme: 'acme-password', globex: 'globex-password' };
const macs = { acme: '020000000a01', globex: '020000000b01', unassigned: '020000000c01' };

export interface FuzzFixture {
  readonly t: TestHub;
  readonly admin: string;
  readonly known: KnownValues;
  /** Bodies that would pass, for the operations whose body the OpenAPI document only describes in words. */
  readonly examples: Readonly<Record<string, unknown>>;
}

const proxyExample = {
  id: 'fuzz-proxy-2',
  name: 'Fuzz proxy',
  protocol: 'tcp',
  enabled: false,
  sourcePort: 38_411,
  target: { type: 'host', address: '127.0.0.1', port: 9 },
};
const appExample = { name: 'SSH', type: 'tcp', devicePort: 22 };

async function created(t: TestHub, token: string, url: string, payload: object): Promise<Record<string, unknown>> {
  const response = await t.call({ method: 'POST', url, token, payload });
  expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
  return response.json();
}

export async function startFuzzHub(): Promise<FuzzFixture> {
  // The fuzz logs the tenant-admin in again when a fuzzed body happened to change its password;
  // hundreds of fuzzed failed logins before that must not lock it out. The throttle has its own tests.
  const t = await startTestHub({ loginThrottle: { maxFailures: Number.MAX_SAFE_INTEGER, windowMs: 60_000 } });
  const admin = await t.adminToken();
  for (const [id, password] of Object.entries(tenantPasswords)) await t.createTenant(admin, id, password);
  await createAuditor(t, admin, 'auditor-1', ['acme']);
  const code = await created(t, admin, '/api/v1/tenants/acme/provisioning-codes', { maxUses: 5 });
  const devices = new Devices(t.hub);
  await devices.add({ mac: macs.acme, tenant: 'acme', online: false });
  await devices.add({ mac: macs.globex, tenant: 'globex', online: false });
  await devices.add({ mac: macs.unassigned, online: false });
  const relay = await t.call({
    method: 'POST',
    url: '/remote/rsstatus',
    payload: { type: 'register', name: 'fuzz-relay', hostName: '127.0.0.1', port: 7070, maxSessions: 3, token: 'fuzz-relay-token' },
  });
  expect(relay.statusCode, relay.body).toBe(200);
  await created(t, admin, '/api/v1/proxies', { ...proxyExample, id: 'fuzz-proxy' });
  const app = await created(t, admin, '/api/v1/protocol-apps', appExample);
  const catalog = await t.call({ method: 'PUT', url: '/api/v1/catalog/firmware', token: admin, payload: { document: firmwareCatalog(['13r1', '13r2']), baseUrl: 'http://127.0.0.1:9/files' } });
  expect(catalog.statusCode, catalog.body).toBe(200);
  const updateJob = await created(t, admin, '/api/v1/update-jobs', { name: 'fuzz-fw', tenants: ['acme'], categories: ['phones'], target: { kind: 'firmware', version: '13r2' } });
  const backupJob = await created(t, admin, '/api/v1/backup-jobs', {
    name: 'fuzz-backup',
    tenants: ['acme', 'globex'],
    categories: ['phones'],
    target: { url: 'http://127.0.0.1:9/backups', auth: { type: 'basic', username: 'fuzz', password: 'fuzz-webdav-password' } },
  });

  const ids: Record<string, readonly string[]> = {
    id: ['acme', 'globex', 'auditor-1', 'fuzz-proxy', String(app.id), String(updateJob.id), String(backupJob.id), '00000000-0000-4000-8000-000000000000'],
    tenant: ['acme', 'globex'],
    grantedId: ['acme', 'globex'],
    codeId: [String(code.codeId)],
    mac: Object.values(macs),
    deviceIdentifier: Object.values(macs),
    device: Object.values(macs),
    name: ['fuzz-relay', 'hub'],
    kind: ['firmware', 'apps', 'software'],
    url: ['http://127.0.0.1:9/fuzz.json'],
    baseUrl: ['http://127.0.0.1:9/'],
    stream: [`device-${macs.acme}`, 'tenant-acme'],
    at: ['2026-01-01T00:00:00.000Z'],
    from: ['2026-01-01T00:00:00.000Z'],
    to: ['2030-01-01T00:00:00.000Z'],
    limit: ['1', '500'],
  };
  return {
    t,
    admin,
    known: (name) => ids[name] ?? [],
    examples: { 'POST /api/v1/proxies': proxyExample, 'PUT /api/v1/proxies/{id}': proxyExample, 'POST /api/v1/protocol-apps': appExample, 'PUT /api/v1/protocol-apps/{id}': appExample, 'POST /remote/rsstatus': { type: 'status', name: 'fuzz-relay', token: 'fuzz-relay-token', sessions: [] } },
  };
}
