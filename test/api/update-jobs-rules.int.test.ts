// The seed's update rules and the controls beyond it, through the API with simulated agents:
// the online check after a job ran, the plain string compare, no second update after a
// success, pause / resume / cancel, the error threshold, a retry of the failed devices, and
// the timeout (and a device that proves its update by its hello after all).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import {
  firmwareCatalog,
  jobDetails,
  jobEvent,
  jobEvents,
  jobHistory,
  macOf,
  ok,
  recordsOf,
  deviceRecords,
  startAgents,
  startJobHub,
  tenant,
  tenantWithCode,
  uploadCatalog,
  withDevice,
} from './job-fixture.js';
import type { JobHub } from './job-fixture.js';
import { SimulatedAgent } from './simulated-agent.js';
import type { SimulatedAgentOptions } from './simulated-agent.js';

let test: JobHub;
let admin: string;
let code: string;
let agents: SimulatedAgent[] = [];

beforeEach(async () => {
  test = await startJobHub();
  admin = await test.admin();
  code = await tenantWithCode(test, admin);
  await uploadCatalog(test, admin, 'firmware', firmwareCatalog(['13r1', '13r2', '13r3', '13R2']));
});

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test.destroy();
});

interface CreatedJob {
  readonly id: string;
}

async function createJob(version: string, extra: object = {}): Promise<string> {
  const body = { name: `firmware ${version}`, tenants: [tenant], categories: ['phones'], target: { kind: 'firmware', version }, ...extra };
  return ((await ok(test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: body }), 201)) as CreatedJob).id;
}

const stream = (jobId: string): string => `updatejob-${jobId}`;
const typed = (type: string) => (event: RecordedEvent) => event.type === type;
const action = (jobId: string, name: string, status = 200) => ok(test.call({ method: 'POST', url: `/api/v1/update-jobs/${jobId}/${name}`, token: admin }), status);

async function agent(index: number, options: Partial<SimulatedAgentOptions> = {}): Promise<SimulatedAgent> {
  const started = new SimulatedAgent({ url: test.gatewayUrl, mac: macOf(index), code, firmware: '13r1', ...options });
  agents.push(started);
  await started.until(() => started.assigned && started.welcomes > 0);
  return started;
}

describe('the seed\'s update rules', () => {
  it('updates a device that comes online after the job finished, under the newest suitable job', async () => {
    await agent(0);
    const older = await createJob('13r2');
    await jobEvent(test, stream(older), typed('JobCompleted'));
    const newer = await createJob('13r3');
    await jobEvent(test, stream(newer), typed('JobCompleted'));

    // It comes online (for the first time) after both jobs ran.
    const late = await agent(1);
    await jobEvent(test, stream(newer), withDevice('settled', late.mac, { outcome: 'succeeded' }));
    expect(late.firmware).toBe('13r3');
    expect(late.updates.map((update) => update.target.version)).toEqual(['13r3']);
    const dispatched = (await recordsOf(test, stream(newer))).find((record) => record.kind === 'dispatched' && record.mac === late.mac);
    expect(dispatched?.trigger).toBe('hello');
    // Not under the older job: only the newest suitable one is searched.
    expect((await jobDetails(test, admin, 'update-jobs', older)).devices.map((device) => device.mac)).not.toContain(formatMac(late.mac));
  });

  it('compares versions as plain strings', async () => {
    const same = await agent(0, { firmware: '13r2' });
    const upper = await agent(1, { firmware: '13R2' });
    const spaced = await agent(2, { firmware: '13r2 ' });
    const job = await createJob('13r2');
    await jobEvent(test, stream(job), typed('JobCompleted'));
    const details = await jobDetails(test, admin, 'update-jobs', job);
    // '13R2' and '13r2 ' are not '13r2': updated; '13r2' is: left alone.
    expect(details.devices.map((device) => device.mac).sort()).toEqual([formatMac(upper.mac), formatMac(spaced.mac)].sort());
    expect(same.updates).toEqual([]);
    expect(upper.firmware).toBe('13r2');
  });

  it('never updates a device again in a job where it succeeded', async () => {
    const device = await agent(0);
    const job = await createJob('13r2');
    await jobEvent(test, stream(job), typed('JobCompleted'));
    expect(device.firmware).toBe('13r2');
    // Rolled back by hand, it comes back with the old version: the job does not touch it again.
    device.firmware = '13r1';
    const welcomes = device.welcomes;
    device.drop();
    await device.until(() => device.welcomes > welcomes);
    // A later job, created after its hello, proves the hub has handled it.
    const other = await agent(1, { firmware: '13r3' });
    await jobEvent(test, stream(job), withDevice('settled', other.mac, { outcome: 'succeeded' }));
    expect(device.updates).toHaveLength(1);
    expect((await recordsOf(test, stream(job))).filter((record) => record.kind === 'dispatched')).toHaveLength(2);
  });
});

describe('pause, resume, cancel', () => {
  it('dispatches nothing while paused and continues after resume', async () => {
    agents.push(...(await startAgents(12, { url: test.gatewayUrl, code, firmware: '13r1', installMs: 150 })));
    const job = await createJob('13r2', { concurrency: 3 });
    await jobEvent(test, stream(job), typed('JobDevicesDispatched'));
    await action(job, 'pause');
    const paused = await jobEvent(test, stream(job), typed('JobPaused'));
    // What was in flight settles; nothing new goes out.
    const settledWhilePaused = await waitUntilNoneInFlight(job);
    expect((await jobDetails(test, admin, 'update-jobs', job)).state).toBe('paused');
    expect(settledWhilePaused.filter((event) => event.type === 'JobDevicesDispatched' && event.position > paused.position)).toEqual([]);
    await action(job, 'pause', 409);

    await action(job, 'resume');
    await jobEvent(test, stream(job), typed('JobCompleted'));
    const details = await jobDetails(test, admin, 'update-jobs', job);
    expect(details.counts).toEqual({ attempted: 12, inFlight: 0, succeeded: 12, failed: 0 });
    expect(jobHistory(await jobEvents(test)).maxInFlight[job]).toBe(3);
  });

  it('cancels a job: no more dispatches, and the next job starts once its devices settled', async () => {
    agents.push(...(await startAgents(10, { url: test.gatewayUrl, code, firmware: '13r1', installMs: 150 })));
    const first = await createJob('13r2', { concurrency: 2 });
    const second = await createJob('13r3');
    await jobEvent(test, stream(first), typed('JobDevicesDispatched'));
    await action(first, 'cancel');
    const canceled = await jobEvent(test, stream(first), typed('JobCanceled'));
    await jobEvent(test, stream(second), typed('JobCompleted'));

    const events = await jobEvents(test);
    const ofFirst = events.filter((event) => event.stream === stream(first));
    expect(ofFirst.filter((event) => event.type === 'JobDevicesDispatched' && event.position > canceled.position)).toEqual([]);
    const lastSettled = Math.max(...ofFirst.filter((event) => event.type === 'JobDevicesSettled').map((event) => event.position));
    const secondStarted = events.find((event) => event.stream === stream(second) && event.type === 'JobStarted')?.position ?? -1;
    expect(secondStarted).toBeGreaterThan(lastSettled);
    expect(jobHistory(events).maxJobsInFlight).toBe(1);
    expect((await jobDetails(test, admin, 'update-jobs', first)).state).toBe('canceled');
    await action(first, 'resume', 409);
  });
});

describe('error threshold and retry', () => {
  it('halts the job when more than the threshold failed, then retries the failed devices', async () => {
    let failing = true;
    agents.push(
      ...(await startAgents(10, {
        url: test.gatewayUrl,
        code,
        firmware: '13r1',
        installMs: 20,
        outcome: () => (failing ? { ok: false, error: 'flash write failed' } : { ok: true }),
      })),
    );
    const job = await createJob('13r2', { concurrency: 2, errorThreshold: { percent: 50, minSettled: 3 } });
    // For no device: it only shows that the queue moves on past a halted job.
    const next = await createJob('13r3', { categories: ['gateways'] });
    const halted = await jobEvent(test, stream(job), typed('JobHalted'));
    expect(halted.data).toMatchObject({ percent: 100 });
    expect(halted.data.settled).toBeGreaterThanOrEqual(3);
    await jobEvent(test, stream(next), typed('JobCompleted'));

    const details = await jobDetails(test, admin, 'update-jobs', job);
    expect(details.state).toBe('halted');
    expect(details.counts.failed).toBe(details.counts.attempted);
    expect(details.counts.attempted).toBeLessThan(10);
    expect(details.devices.every((device) => device.error === 'flash write failed' && device.cause === 'error')).toBe(true);

    failing = false;
    await action(job, 'retry');
    const retried = await jobEvent(test, stream(job), typed('JobRetried'));
    expect(retried.data.pass).toBe(2);
    await jobEvent(test, stream(job), (event) => event.type === 'JobCompleted' && event.position > retried.position);
    const after = await jobDetails(test, admin, 'update-jobs', job);
    // Pass 2 took the failed devices and those the halted run never reached.
    expect(after.pass).toBe(2);
    expect(after.counts).toEqual({ attempted: 10, inFlight: 0, succeeded: 10, failed: 0 });
    expect(agents.every((device) => device.firmware === '13r2')).toBe(true);
    await action(job, 'retry', 409);
  });

  it('fails a silent device with cause timeout; its hello with the target version turns it into a success', async () => {
    const silent = await agent(0, { outcome: () => ({ silent: true }) });
    const job = await createJob('13r2', { timeoutMs: 60_000 });
    await jobEvent(test, stream(job), typed('JobDevicesDispatched'));
    test.clock.advance(60_000);
    await jobEvent(test, stream(job), withDevice('settled', silent.mac, { outcome: 'failed', cause: 'timeout', attempt: 1 }));
    await jobEvent(test, stream(job), typed('JobCompleted'));
    expect((await jobDetails(test, admin, 'update-jobs', job)).devices[0]).toMatchObject({ status: 'failed', cause: 'timeout' });

    // The install did happen after all: the device comes back reporting 13r2.
    silent.firmware = '13r2';
    silent.drop();
    await jobEvent(test, stream(job), withDevice('settled', silent.mac, { outcome: 'succeeded', attempt: 1, via: 'hello', version: '13r2' }));
    expect((await jobDetails(test, admin, 'update-jobs', job)).counts).toEqual({ attempted: 1, inFlight: 0, succeeded: 1, failed: 0 });
  });
});

/** The job's events once none of its devices is in flight. */
async function waitUntilNoneInFlight(jobId: string): Promise<RecordedEvent[]> {
  for (;;) {
    const events = (await jobEvents(test)).filter((event) => event.stream === stream(jobId));
    const history = jobHistory(events);
    const records = deviceRecords(events);
    if (records.filter((record) => record.kind === 'dispatched').length === records.filter((record) => record.kind === 'settled').length) return events;
    expect(history.maxInFlight[jobId]).toBeGreaterThan(0);
    await jobEvent(test, stream(jobId), (event) => event.type === 'JobDevicesSettled' && event.position > (events.at(-1)?.position ?? -1));
  }
}
