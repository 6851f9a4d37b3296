// Who sees and changes which jobs: a job shows to a tenant admin when one of its tenants is its
// own (it then names only that tenant, with its devices and counts); changing it takes all of its
// tenants; auditors read; dashboards of each of its tenants hear `job.progress`, each device
// only where its tenant is seen.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import { DashboardClient } from './dashboard-client.js';
import type { Received } from './dashboard-client.js';
import { firmwareCatalog, jobEvent, ok, startAgents, startJobHub, tenantWithCode, uploadCatalog } from './job-fixture.js';
import type { JobDetails, JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

let test: JobHub;
let admin: string;
let agents: SimulatedAgent[] = [];

beforeEach(async () => {
  test = await startJobHub();
  admin = await test.admin();
  const acme = await tenantWithCode(test, admin, 'acme');
  const other = await tenantWithCode(test, admin, 'other');
  await uploadCatalog(test, admin, 'firmware', firmwareCatalog(['13r1', '13r2']));
  agents = [
    ...(await startAgents(2, { url: test.gatewayUrl, code: acme, firmware: '13r1' })),
    ...(await startAgents(1, { url: test.gatewayUrl, code: other, firmware: '13r1', first: 10 })),
  ];
});

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test.destroy();
});

async function login(payload: object): Promise<string> {
  return ((await ok(test.call({ method: 'POST', url: '/api/v1/auth/login', payload }))) as { token: string }).token;
}

const create = (token: string, payload: object) => test.call({ method: 'POST', url: '/api/v1/update-jobs', token, payload: { name: 'fw', categories: [], target: { kind: 'firmware', version: '13r2' }, ...payload } });

describe('job access', () => {
  it('shows a tenant admin the jobs of its tenant with its own devices only', async () => {
    const acmeAdmin = await login({ tenant: 'acme', password: 'acme-password' });
    const both = ((await ok(create(admin, { tenants: ['acme', 'other'] }), 201)) as { id: string }).id;
    await jobEvent(test, `updatejob-${both}`, (event) => event.type === 'JobCompleted');
    const otherOnly = ((await ok(create(admin, { tenants: ['other'] }), 201)) as { id: string }).id;

    const list = (await ok(test.call({ method: 'GET', url: '/api/v1/update-jobs', token: acmeAdmin }))) as { items: JobDetails[] };
    expect(list.items.map((job) => job.id)).toEqual([both]);
    expect(list.items[0]).toMatchObject({ tenants: ['acme'], counts: { attempted: 2, inFlight: 0, succeeded: 2, failed: 0 } });
    const details = (await ok(test.call({ method: 'GET', url: `/api/v1/update-jobs/${both}`, token: acmeAdmin }))) as JobDetails;
    expect(details).toMatchObject({ tenants: ['acme'], counts: { attempted: 2, succeeded: 2 } });
    const whole = (await ok(test.call({ method: 'GET', url: `/api/v1/update-jobs/${both}`, token: admin }))) as JobDetails;
    expect(whole).toMatchObject({ tenants: ['acme', 'other'], counts: { attempted: 3, succeeded: 3 } });
    expect(details.devices.map((device) => device.mac)).toEqual(agents.slice(0, 2).map((agent) => formatMac(agent.mac)));
    expect((await test.call({ method: 'GET', url: `/api/v1/update-jobs/${otherOnly}`, token: acmeAdmin })).statusCode).toBe(404);
    expect((await test.call({ method: 'POST', url: `/api/v1/update-jobs/${both}/cancel`, token: acmeAdmin })).statusCode).toBe(403);
    expect((await test.call({ method: 'GET', url: `/api/v1/backup-jobs/${both}`, token: admin })).statusCode).toBe(404);

    // Its own tenant by default; another tenant is not found.
    const own = (await ok(create(acmeAdmin, {}), 201)) as { tenants: string[] };
    expect(own.tenants).toEqual(['acme']);
    expect((await create(acmeAdmin, { tenants: ['other'] })).statusCode).toBe(404);
    expect((await create(admin, {})).statusCode).toBe(400);
  });

  it("names to an auditor of some tenants only those tenants and their counts, now and as the job was", async () => {
    const both = ((await ok(create(admin, { tenants: ['acme', 'other'] }), 201)) as { id: string }).id;
    const completed = await jobEvent(test, `updatejob-${both}`, (event) => event.type === 'JobCompleted');
    await ok(test.call({ method: 'POST', url: '/api/v1/auditors', token: admin, payload: { id: 'aud', name: 'Auditor', password: 'aud-auditor-password', tenants: ['other'] } }), 201);
    const auditor = await login({ auditor: 'aud', password: 'aud-auditor-password' });
    const seen = { tenants: ['other'], counts: { attempted: 1, inFlight: 0, succeeded: 1, failed: 0 } };
    const list = (await ok(test.call({ method: 'GET', url: '/api/v1/update-jobs', token: auditor }))) as { items: JobDetails[] };
    expect(list.items).toMatchObject([seen]);
    expect(await ok(test.call({ method: 'GET', url: `/api/v1/update-jobs/${both}`, token: auditor }))).toMatchObject(seen);
    const at = encodeURIComponent(completed.metadata.at);
    const then = (await ok(test.call({ method: 'GET', url: `/api/v1/update-jobs/${both}?at=${at}`, token: auditor }))) as JobDetails;
    expect(then).toMatchObject(seen);
    expect(JSON.stringify([list, then])).not.toContain('acme');
  });

  it('lets an auditor read jobs but not create or change them', async () => {
    const job = ((await ok(create(admin, { tenants: ['acme'] }), 201)) as { id: string }).id;
    await ok(test.call({ method: 'POST', url: '/api/v1/auditors', token: admin, payload: { id: 'aud', name: 'Auditor', password: 'aud-auditor-password' } }), 201);
    const auditor = await login({ auditor: 'aud', password: 'aud-auditor-password' });
    await ok(test.call({ method: 'GET', url: `/api/v1/update-jobs/${job}`, token: auditor }));
    expect((await create(auditor, { tenants: ['acme'] })).statusCode).toBe(403);
    expect((await test.call({ method: 'POST', url: `/api/v1/update-jobs/${job}/pause`, token: auditor })).statusCode).toBe(403);
    expect((await test.call({ method: 'POST', url: `/api/v1/devices/${agents[0]?.mac ?? ''}/restore`, token: auditor, payload: { url: 'http://x.example/f', auth: { type: 'none' } } })).statusCode).toBe(403);
  });

  it('pushes job.progress to dashboards of each tenant of the job, each device to its own tenant\'s', async () => {
    // The job names acme first: other's dashboard must still hear how the job goes and ends.
    const dashboards = await Promise.all(
      ['acme', 'other'].map(async (tenant) => DashboardClient.connect(`${test.httpUrl}/dashboard`, await login({ tenant, password: `${tenant}-password` }))),
    );
    try {
      for (const dashboard of dashboards) expect(await dashboard.subscribe({ models: ['jobs'] })).toMatchObject({ ok: true });
      const job = ((await ok(create(admin, { tenants: ['acme', 'other'] }), 201)) as { id: string }).id;
      interface Progress {
        readonly job: { id: string; state: string; tenants: string[]; counts: { succeeded: number } };
        readonly devices?: { mac: string; status: string }[];
      }
      const progress = (received: Received): Progress | undefined =>
        received.event === 'job.progress' ? (received.message.payload as Progress) : undefined;
      const own = [agents.slice(0, 2), agents.slice(2)];
      for (const [index, dashboard] of dashboards.entries()) {
        await dashboard.waitFor('the completed job', (received) => progress(received)?.job.state === 'completed');
        const messages = dashboard.received.map(progress).filter((payload): payload is Progress => payload?.job.id === job);
        const macs = new Set(messages.flatMap((payload) => payload.devices ?? []).map((device) => device.mac));
        // Its own devices, with their statuses; never the other tenant's.
        expect([...macs].sort()).toEqual((own[index] ?? []).map((agent) => formatMac(agent.mac)).sort());
        expect(messages.some((payload) => payload.devices?.some((device) => device.status === 'succeeded'))).toBe(true);
        // The job names only its own tenant, and counts only its own devices.
        expect(messages.at(-1)?.job.counts.succeeded).toBe(own[index]?.length);
        expect(messages.every((payload) => payload.job.tenants.length === 1 && payload.job.tenants[0] === ['acme', 'other'][index])).toBe(true);
      }
      // A fresh snapshot narrows the job the same way.
      const [acme] = dashboards;
      expect(await acme?.subscribe({ models: ['jobs'] })).toMatchObject({ ok: true });
      const snapshot = acme?.snapshots().at(-1);
      expect(snapshot?.items).toMatchObject([{ id: job, tenants: ['acme'], counts: { attempted: 2, succeeded: 2 } }]);
    } finally {
      for (const dashboard of dashboards) dashboard.close();
    }
  });
});
