// `?at=TIME` on update and backup jobs: the job's stream replayed up to that moment, in the
// live view's shape, with history made at known times on the manual clock: an update job
// running at 00:00 (one device done, one silent) that completes at 01:00 when the silent one
// times out, and a backup job running from 01:00.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import { firmwareCatalog, jobEvent, macOf, ok, startAgents, startJobHub, tenantWithCode, uploadCatalog, withDevice } from './job-fixture.js';
import type { JobDetails, JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

const hour = 3_600_000;
const at = (hh: string): string => `2026-01-01T${hh}Z`;
const done = macOf(0);
const silent = macOf(1);

let test: JobHub;
let admin: string;
let agents: SimulatedAgent[] = [];
let updateJob = '';
let backupJob = '';

async function login(payload: object): Promise<string> {
  return ((await ok(test.call({ method: 'POST', url: '/api/v1/auth/login', payload }))) as { token: string }).token;
}

async function auditor(id: string, tenants?: readonly string[]): Promise<string> {
  const password = `${id}-auditor-password`;
  await ok(test.call({ method: 'POST', url: '/api/v1/auditors', token: admin, payload: { id, name: id, password, ...(tenants === undefined ? {} : { tenants }) } }), 201);
  return login({ auditor: id, password });
}

beforeAll(async () => {
  test = await startJobHub();
  admin = await test.admin();
  const code = await tenantWithCode(test, admin, 'acme');
  await tenantWithCode(test, admin, 'other');
  await uploadCatalog(test, admin, 'firmware', firmwareCatalog(['13r1', '13r2']));
  agents = [
    ...(await startAgents(1, { url: test.gatewayUrl, code, firmware: '13r1' })),
    // The second device never answers its update.
    ...(await startAgents(1, { url: test.gatewayUrl, code, firmware: '13r1', first: 1, outcome: () => ({ silent: true }) })),
  ];

  // 00:00: the update job starts; one device succeeds, the other stays in flight.
  const created = (await ok(
    test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'fw 13r2', tenants: ['acme'], categories: [], target: { kind: 'firmware', version: '13r2' }, timeoutMs: 60_000 } }),
    201,
  )) as { id: string };
  updateJob = created.id;
  await jobEvent(test, `updatejob-${updateJob}`, withDevice('settled', done, { outcome: 'succeeded' }));
  await jobEvent(test, `updatejob-${updateJob}`, withDevice('dispatched', silent));

  // 01:00: the silent device times out and the job completes.
  test.clock.advance(hour);
  await jobEvent(test, `updatejob-${updateJob}`, (event) => event.type === 'JobCompleted');

  // 01:00: a backup job whose devices never answer.
  const backup = (await ok(
    test.call({ method: 'POST', url: '/api/v1/backup-jobs', token: admin, payload: { name: 'nightly', tenants: ['acme'], categories: [], target: { url: 'http://dav.example/backups', auth: { type: 'basic', username: 'dav', password: 'dav-secret-password' } } } }),
    201,
  )) as { id: string };
  backupJob = backup.id;
  for (const mac of [done, silent]) await jobEvent(test, `backupjob-${backupJob}`, withDevice('dispatched', mac));
  test.clock.advance(hour);
}, 30_000);

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await test.destroy();
});

const get = (url: string, token = admin) => test.call({ method: 'GET', url, token });

async function view(url: string, token = admin): Promise<JobDetails & Record<string, unknown>> {
  const response = await get(url, token);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.body).not.toMatch(/sealed|dav-secret-password/);
  return response.json() as JobDetails & Record<string, unknown>;
}

describe('job time travel', () => {
  it('shows an update job running at an earlier moment, completed now', async () => {
    const earlier = await view(`/api/v1/update-jobs/${updateJob}?at=${at('00:30:00')}`);
    expect(earlier).toMatchObject({ id: updateJob, kind: 'update', state: 'running', counts: { attempted: 2, inFlight: 1, succeeded: 1, failed: 0 }, updatedAt: at('00:00:00.000') });
    expect(earlier.finishedAt).toBeUndefined();
    expect(earlier.devices.map((device) => [device.mac, device.status])).toEqual([
      [formatMac(done), 'succeeded'],
      [formatMac(silent), 'in-flight'],
    ]);

    const now = await view(`/api/v1/update-jobs/${updateJob}`);
    expect(now).toMatchObject({ state: 'completed', counts: { attempted: 2, inFlight: 0, succeeded: 1, failed: 1 }, finishedAt: at('01:00:00.000') });
    expect(now.devices.find((device) => device.mac === formatMac(silent))).toMatchObject({ status: 'failed', cause: 'timeout' });
  });

  it('shows the same view as the read model for the present, devices and all', async () => {
    const present = test.clock.now().toISOString();
    expect(await view(`/api/v1/update-jobs/${updateJob}?at=${present}`)).toEqual(await view(`/api/v1/update-jobs/${updateJob}`));
    expect(await view(`/api/v1/backup-jobs/${backupJob}?at=${present}`)).toEqual(await view(`/api/v1/backup-jobs/${backupJob}`));
  });

  it('filters the devices by status at that moment too', async () => {
    const inFlight = await view(`/api/v1/update-jobs/${updateJob}?at=${at('00:30:00')}&status=in-flight`);
    expect(inFlight.devices.map((device) => device.mac)).toEqual([formatMac(silent)]);
    expect((await view(`/api/v1/update-jobs/${updateJob}?at=${at('01:30:00')}&status=in-flight`)).devices).toEqual([]);
  });

  it('shows a backup job from its creation on, without its password', async () => {
    expect(await view(`/api/v1/backup-jobs/${backupJob}?at=${at('01:00:00')}`)).toMatchObject({
      kind: 'backup',
      state: 'running',
      target: { url: 'http://dav.example/backups', auth: 'basic', username: 'dav' },
      counts: { attempted: 2, inFlight: 2 },
    });
    expect((await get(`/api/v1/backup-jobs/${backupJob}?at=${at('00:59:59.999')}`)).statusCode).toBe(404);
  });

  it('answers 404 before the job existed, for an unknown job and for the other kind', async () => {
    expect((await get(`/api/v1/update-jobs/${updateJob}?at=2025-12-31T23:59:59.999Z`)).statusCode).toBe(404);
    expect((await get(`/api/v1/update-jobs/00000000-0000-4000-8000-000000000000?at=${at('00:30:00')}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/backup-jobs/${updateJob}?at=${at('00:30:00')}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/update-jobs/${backupJob}?at=${at('01:30:00')}`)).statusCode).toBe(404);
    // An id no job stream can have: unknown too, not the store's invalid_stream_name.
    for (const id of ['-1', '%20', 'Ω']) {
      const response = await get(`/api/v1/update-jobs/${encodeURIComponent(id)}?at=${at('00:30:00')}`);
      expect(response.statusCode, response.body).toBe(404);
      expect((response.json() as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('is history: for the admin and auditors that see a tenant of the job, not for tenant-admins', async () => {
    const url = `/api/v1/update-jobs/${updateJob}?at=${at('00:30:00')}`;
    expect((await get(url, await auditor('everywhere'))).statusCode).toBe(200);
    expect((await get(url, await auditor('acme-only', ['acme']))).statusCode).toBe(200);
    expect((await get(url, await auditor('other-only', ['other']))).statusCode).toBe(404);
    const tenantAdmin = await login({ tenant: 'acme', password: 'acme-password' });
    expect((await get(`/api/v1/update-jobs/${updateJob}`, tenantAdmin)).statusCode).toBe(200);
    expect((await get(url, tenantAdmin)).statusCode).toBe(403);
  });

  it.each(['yesterday', '2026-01-01T00:30:00', ''])('refuses at=%s with 400', async (value) => {
    for (const url of [`/api/v1/update-jobs/${updateJob}?at=${value}`, `/api/v1/backup-jobs/${backupJob}?at=${value}`]) {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: ['query.at'] } });
    }
  });
});
