// Update jobs run one after another, at most 20 devices in flight in a job: proved from the
// recorded events with 100 simulated agents whose updates are slow.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appsCatalog, firmwareCatalog, jobDetails, jobEvent, jobEvents, jobHistory, ok, startAgents, startJobHub, tenant, tenantWithCode, uploadCatalog } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

let test: JobHub;
let agents: SimulatedAgent[] = [];

beforeEach(async () => {
  test = await startJobHub();
});

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test.destroy();
});

const completed = (jobId: string) => jobEvent(test, `updatejob-${jobId}`, (event) => event.type === 'JobCompleted', 30_000);

describe('update job rollout', () => {
  it('updates 100 slow devices 20 at a time, one job after the other', async () => {
    const admin = await test.admin();
    const code = await tenantWithCode(test, admin);
    await uploadCatalog(test, admin, 'firmware', firmwareCatalog(['13r1', '13r2']));
    await uploadCatalog(test, admin, 'apps', appsCatalog('devices', ['13r1', '13r2']));
    agents = await startAgents(100, { url: test.gatewayUrl, code, firmware: '13r1', apps: [{ name: 'devices', version: '13r1' }], installMs: 30 });

    const firmware = (await ok(
      test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'firmware 13r2', tenants: [tenant], categories: ['phones'], target: { kind: 'firmware', version: '13r2' } } }),
      201,
    )) as { id: string; state: string; concurrency: number };
    const app = (await ok(
      test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'devices app', tenants: [tenant], categories: [], target: { kind: 'app', name: 'devices', version: '13r2' } } }),
      201,
    )) as { id: string };
    expect(firmware.concurrency).toBe(20);

    await completed(firmware.id);
    await completed(app.id);

    const history = jobHistory(await jobEvents(test));
    // The first job reaches the limit (all 100 are online); the second starts while devices
    // are still coming back from the first, so it may stay below it.
    expect(history.maxInFlight[firmware.id]).toBe(20);
    expect(history.maxInFlight[app.id]).toBeLessThanOrEqual(20);
    // Never devices of both jobs in flight at once.
    expect(history.maxJobsInFlight).toBe(1);
    // Every device once per job.
    expect(Object.values(history.attempts[firmware.id] ?? {})).toEqual(Array.from({ length: 100 }, () => 1));
    expect(Object.values(history.attempts[app.id] ?? {})).toEqual(Array.from({ length: 100 }, () => 1));

    const events = await jobEvents(test);
    const completedAt = events.find((event) => event.stream === `updatejob-${firmware.id}` && event.type === 'JobCompleted')?.position ?? -1;
    const appStartedAt = events.find((event) => event.stream === `updatejob-${app.id}` && event.type === 'JobStarted')?.position ?? -1;
    expect(appStartedAt).toBeGreaterThan(completedAt);

    const details = await jobDetails(test, admin, 'update-jobs', firmware.id);
    expect(details.state).toBe('completed');
    expect(details.counts).toEqual({ attempted: 100, inFlight: 0, succeeded: 100, failed: 0 });
    expect(details.devices.every((device) => device.status === 'succeeded' && device.fromVersion === '13r1')).toBe(true);
    expect(agents.every((agent) => agent.firmware === '13r2' && agent.apps[0]?.version === '13r2')).toBe(true);
    // Each agent got each update once: no request was repeated.
    expect(agents.every((agent) => agent.updates.length === 2)).toBe(true);
  });
});
