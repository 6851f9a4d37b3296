// A job selects devices by the categories an admin set as well as by those the agent reports:
// the admin's categories come from the device's events, so they hold after a restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { firmwareCatalog, jobDetails, jobEvent, macOf, ok, startJobHub, tenant, tenantWithCode, uploadCatalog, withDevice } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';
import { SimulatedAgent } from './simulated-agent.js';

let test: JobHub;
let admin: string;
let code: string;
let agents: SimulatedAgent[] = [];

beforeEach(async () => {
  test = await startJobHub();
  admin = await test.admin();
  code = await tenantWithCode(test, admin);
  await uploadCatalog(test, admin, 'firmware', firmwareCatalog(['13r1', '13r2']));
});

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test.destroy();
});

async function agent(index: number): Promise<SimulatedAgent> {
  const started = new SimulatedAgent({ url: test.gatewayUrl, mac: macOf(index), code, firmware: '13r1', categories: ['gateways'] });
  agents.push(started);
  await started.until(() => started.assigned && started.welcomes > 0);
  return started;
}

async function createJob(categories: readonly string[]): Promise<string> {
  const body = { name: 'firmware 13r2', tenants: [tenant], categories, target: { kind: 'firmware', version: '13r2' } };
  return ((await ok(test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: body }), 201)) as { id: string }).id;
}

describe('job selection by admin-set categories', () => {
  it('updates a device whose agent reports no such category but an admin set it', async () => {
    const labelled = await agent(0);
    const other = await agent(1);
    await ok(test.call({ method: 'PATCH', url: `/api/v1/devices/${labelled.mac}`, token: admin, payload: { categories: ['lab'] } }));

    const jobId = await createJob(['lab']);
    await jobEvent(test, `updatejob-${jobId}`, withDevice('settled', labelled.mac, { outcome: 'succeeded' }));
    await jobEvent(test, `updatejob-${jobId}`, (event: RecordedEvent) => event.type === 'JobCompleted');
    const details = await jobDetails(test, admin, 'update-jobs', jobId);
    expect(details.devices.map((device) => device.mac)).toEqual([formatMac(labelled.mac)]);
    expect(details.counts).toMatchObject({ succeeded: 1, failed: 0 });
    expect(labelled.firmware).toBe('13r2');
    expect(other.firmware).toBe('13r1');
  });

  it('keeps selecting by them after a hub restart, from the device\'s events', async () => {
    const labelled = await agent(0);
    await ok(test.call({ method: 'PATCH', url: `/api/v1/devices/${labelled.mac}`, token: admin, payload: { categories: ['lab'] } }));
    const first = test;
    await first.close();
    test = await startJobHub({}, { dataDir: first.dataDir, clock: first.clock });
    const welcomes = labelled.welcomes;
    labelled.options.url = test.gatewayUrl;
    await labelled.until(() => labelled.welcomes > welcomes);

    const jobId = await createJob(['lab']);
    await jobEvent(test, `updatejob-${jobId}`, withDevice('settled', labelled.mac, { outcome: 'succeeded' }));
    expect(labelled.firmware).toBe('13r2');
  });

  it('selects a device by categories set through another hub node sharing the store', async () => {
    const labelled = await agent(0);
    const jobId = await createJob(['lab']);
    const other = await startJobHub({ nodeId: 'node-b' }, { dataDir: test.dataDir, clock: test.clock });
    try {
      await ok(other.call({ method: 'PATCH', url: `/api/v1/devices/${labelled.mac}`, token: await other.admin(), payload: { categories: ['lab'] } }));
      // The node holding the device hears of it from the store, and the job takes it on.
      await jobEvent(test, `updatejob-${jobId}`, withDevice('settled', labelled.mac, { outcome: 'succeeded' }));
      expect(labelled.firmware).toBe('13r2');
    } finally {
      await other.close();
    }
  });
});

