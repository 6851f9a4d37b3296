// Job progress at /metrics: jobs per kind and state, and the devices of the unfinished jobs
// per status, through an update job with one device done and one silent, a job queued behind
// it, and the silent device's timeout on the manual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmwareCatalog, jobEvent, ok, startAgents, startJobHub, tenantWithCode, uploadCatalog, withDevice } from '../job-fixture.js';
import type { JobHub } from '../job-fixture.js';
import type { SimulatedAgent } from '../simulated-agent.js';
import { scrape, value } from './scrape.js';

let test: JobHub;
let admin: string;
let agents: SimulatedAgent[] = [];

beforeAll(async () => {
  test = await startJobHub();
  admin = await test.admin();
  const code = await tenantWithCode(test, admin, 'acme');
  await uploadCatalog(test, admin, 'firmware', firmwareCatalog(['13r1', '13r2', '13r3']));
  agents = [
    ...(await startAgents(1, { url: test.gatewayUrl, code, firmware: '13r1' })),
    ...(await startAgents(1, { url: test.gatewayUrl, code, firmware: '13r1', first: 1, outcome: () => ({ silent: true }) })),
  ];
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await test.destroy();
});

const jobs = (text: string, kind: string, state: string): number => value(text, 'tether_jobs', `kind="${kind}",state="${state}"`);
const devices = (text: string, kind: string, status: string): number => value(text, 'tether_job_devices', `kind="${kind}",status="${status}"`);

async function createJob(version: string): Promise<string> {
  const payload = { name: `fw ${version}`, tenants: ['acme'], categories: [], target: { kind: 'firmware', version }, timeoutMs: 60_000 };
  return ((await ok(test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload }), 201)) as { id: string }).id;
}

describe('/metrics job progress', () => {
  it('reports every kind and state, 0 included, before any job', async () => {
    const text = await scrape(test);
    for (const kind of ['update', 'backup']) {
      for (const state of ['queued', 'running', 'paused', 'completed', 'halted', 'canceled']) expect(jobs(text, kind, state)).toBe(0);
      for (const status of ['in_flight', 'succeeded', 'failed']) expect(devices(text, kind, status)).toBe(0);
    }
  });

  it('follows a job from running to completed, with the devices of the unfinished jobs', async () => {
    const first = await createJob('13r2');
    await jobEvent(test, `updatejob-${first}`, withDevice('settled', agents[0]?.mac, { outcome: 'succeeded' }));
    await jobEvent(test, `updatejob-${first}`, withDevice('dispatched', agents[1]?.mac));
    const second = await createJob('13r3');

    const running = await scrape(test);
    expect(jobs(running, 'update', 'running')).toBe(1);
    expect(jobs(running, 'update', 'queued')).toBe(1);
    expect(devices(running, 'update', 'in_flight')).toBe(1);
    expect(devices(running, 'update', 'succeeded')).toBe(1);
    expect(devices(running, 'update', 'failed')).toBe(0);
    expect(jobs(running, 'backup', 'running')).toBe(0);

    // The silent device times out: the first job completes with a failure; the second starts.
    test.clock.advance(60_000);
    await jobEvent(test, `updatejob-${first}`, (event) => event.type === 'JobCompleted');
    await jobEvent(test, `updatejob-${second}`, withDevice('settled', agents[0]?.mac, { outcome: 'succeeded' }));
    await jobEvent(test, `updatejob-${second}`, withDevice('dispatched', agents[1]?.mac));
    await ok(test.call({ method: 'POST', url: `/api/v1/update-jobs/${second}/pause`, token: admin }));

    const later = await scrape(test);
    expect(jobs(later, 'update', 'completed')).toBe(1);
    expect(jobs(later, 'update', 'paused')).toBe(1);
    expect(jobs(later, 'update', 'running')).toBe(0);
    expect(jobs(later, 'update', 'queued')).toBe(0);
    // Only the paused job's devices count: the completed job's failure is no longer progress.
    expect(devices(later, 'update', 'in_flight')).toBe(1);
    expect(devices(later, 'update', 'succeeded')).toBe(1);
    expect(devices(later, 'update', 'failed')).toBe(0);
  });
});
