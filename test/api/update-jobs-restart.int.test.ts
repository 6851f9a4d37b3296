// A hub restart in the middle of a job: the job resumes, the devices that were in flight are
// re-checked on their next hello, and none is dispatched or counted twice.
import { afterEach, describe, expect, it } from 'vitest';
import { deviceRecords, firmwareCatalog, jobDetails, jobEvent, jobEvents, jobHistory, ok, startAgents, startJobHub, tenant, tenantWithCode, uploadCatalog } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

let test: JobHub | undefined;
let agents: SimulatedAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test?.destroy();
});

describe('hub restart mid-job', () => {
  it('resumes the job and counts every device once', async () => {
    const first = await startJobHub();
    test = first;
    const admin = await first.admin();
    const code = await tenantWithCode(first, admin);
    await uploadCatalog(first, admin, 'firmware', firmwareCatalog(['13r1', '13r2']));
    agents = await startAgents(30, { url: first.gatewayUrl, code, firmware: '13r1', installMs: 300 });
    const job = ((await ok(
      first.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'fw', tenants: [tenant], categories: [], target: { kind: 'firmware', version: '13r2' }, concurrency: 10 } }),
      201,
    )) as { id: string }).id;
    const stream = `updatejob-${job}`;
    // The second wave is in flight when the hub goes down.
    const firstSettled = await jobEvent(first, stream, (event) => event.type === 'JobDevicesSettled');
    await jobEvent(first, stream, (event) => event.type === 'JobDevicesDispatched' && event.position > firstSettled.position);

    await first.close();
    // Installs that were under way finish while the hub is down, so their news can only come
    // by hello; one finishing after the agent is back would go unreported by this simulation.
    await Promise.all(agents.map((agent) => agent.until(() => agent.updates.length === 0 || agent.firmware === '13r2')));
    const second = await startJobHub({ jobs: { resumeGraceMs: 10_000 } }, { dataDir: first.dataDir, clock: first.clock });
    test = second;
    await second.hub.readModels.waitFor(await second.hub.store.headPosition(), 5000);
    const atRestart = await jobDetails(second, admin, 'update-jobs', job);
    expect(atRestart.state).toBe('running');
    expect(atRestart.counts.inFlight).toBeGreaterThan(0);
    expect(atRestart.counts.succeeded).toBeLessThan(30);
    const before = new Map(agents.map((agent) => [agent.mac, agent.welcomes]));
    for (const agent of agents) agent.options.url = second.gatewayUrl;
    await Promise.all(agents.map((agent) => agent.until(() => agent.welcomes > (before.get(agent.mac) ?? 0))));
    // Every device is back: the resumed run may now finish.
    second.clock.advance(10_000);
    await jobEvent(second, stream, (event) => event.type === 'JobCompleted');

    const events = await jobEvents(second);
    const history = jobHistory(events);
    expect(Object.values(history.attempts[job] ?? {})).toEqual(Array.from({ length: 30 }, () => 1));
    expect(history.maxInFlight[job]).toBeLessThanOrEqual(10);
    const successes = deviceRecords(events).filter((record) => record.stream === stream && record.kind === 'settled' && record.outcome === 'succeeded');
    expect(new Set(successes.map((record) => record.mac)).size).toBe(30);
    expect(successes).toHaveLength(30);
    // Those in flight at the restart proved their update by their hello.
    expect(successes.some((record) => record.via === 'hello')).toBe(true);
    const details = await jobDetails(second, admin, 'update-jobs', job);
    expect(details.counts).toEqual({ attempted: 30, inFlight: 0, succeeded: 30, failed: 0 });
    expect(agents.every((agent) => agent.firmware === '13r2')).toBe(true);
  });

  it('keeps the deadlines of attempts in flight across the restart, and fires the overdue ones', async () => {
    const first = await startJobHub();
    test = first;
    const admin = await first.admin();
    const code = await tenantWithCode(first, admin);
    await uploadCatalog(first, admin, 'firmware', firmwareCatalog(['13r1', '13r2']));
    agents = await startAgents(3, { url: first.gatewayUrl, code, firmware: '13r1', outcome: () => ({ silent: true }) });
    const job = ((await ok(
      first.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'fw', tenants: [tenant], categories: [], target: { kind: 'firmware', version: '13r2' }, timeoutMs: 60_000 } }),
      201,
    )) as { id: string }).id;
    await jobEvent(first, `updatejob-${job}`, (event) => event.type === 'JobDevicesDispatched' && Array.isArray(event.data.devices) && event.data.devices.length === 3);
    await first.close();
    // The devices do not come back; the hub is down past their deadline.
    await Promise.all(agents.map((agent) => agent.stop()));
    first.clock.advance(61_000);
    const second = await startJobHub({}, { dataDir: first.dataDir, clock: first.clock });
    test = second;
    await jobEvent(second, `updatejob-${job}`, (event) => event.type === 'JobCompleted');
    const details = await jobDetails(second, admin, 'update-jobs', job);
    expect(details.counts).toEqual({ attempted: 3, inFlight: 0, succeeded: 0, failed: 3 });
    expect(details.devices.every((device) => device.cause === 'timeout')).toBe(true);
  });
});
