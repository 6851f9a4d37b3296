// The update job supervisor on its own: a real runtime on a temp SQLite store, devices put
// online by hand, requests caught by a recording channel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpdateJobSupervisor } from '../../actors/update-job/update-job-supervisor.js';
import type { NewUpdateJob } from '../../actors/update-job/update-job-supervisor.js';
import { importCatalog } from '../../actors/catalog/catalog-files.js';
import { TetherError } from '../../domain/errors.js';
import { admin } from './runtime/runtime-fixture.js';
import { deviceRecords, JobSupervisorFixture, macOf, tenant } from './job-supervisor-fixture.js';

const firmware = (version: string, concurrency = 2): NewUpdateJob => ({
  name: `to ${version}`,
  tenants: [tenant],
  categories: [],
  target: { kind: 'firmware', version },
  concurrency,
});

describe('UpdateJobSupervisor', () => {
  let fixture: JobSupervisorFixture;
  let updates: UpdateJobSupervisor;

  beforeEach(async () => {
    fixture = new JobSupervisorFixture();
    const document = {
      devices: [{ id: 'IP232', versions: ['13r1', '13r2', '13r3'] }],
      versions: ['13r1', '13r2', '13r3'].map((id, i) => ({ id, build: String(131705 + i), text: id, wiki: '' })),
    };
    await importCatalog(fixture.jobRuntime, { type: 'ImportCatalog', kind: 'firmware', document, baseUrl: 'http://artifacts.example/files' }, admin);
    updates = new UpdateJobSupervisor({ ...fixture.common() });
    await updates.start([]);
  });

  afterEach(async () => {
    await updates.stop();
    await fixture.close();
  });

  it('refuses a target the catalog lacks, and records no job', async () => {
    const refused = await updates.create(firmware('14r1'), admin).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TetherError);
    expect((refused as TetherError).code).toBe('validation_failed');
    expect((await fixture.store.readAll()).filter((event) => event.stream.startsWith('updatejob-'))).toEqual([]);
  });

  it('updates at most `concurrency` devices at a time, records answers that arrive together in one append, and takes a hello with the target version as success', async () => {
    [1, 2, 3].forEach((i) => fixture.hello(macOf(i)));
    const { jobId } = await updates.create(firmware('13r2'), admin);
    const stream = `updatejob-${jobId}`;
    await fixture.channel.until(2);
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1), macOf(2)]);
    expect(fixture.channel.sent[0]?.message).toMatchObject({ type: 'update', jobId, target: { kind: 'firmware', version: '13r2' } });

    updates.result(macOf(1), { type: 'update-result', jobId, ok: true });
    updates.result(macOf(2), { type: 'update-result', jobId, ok: false, error: 'flash full' });
    await fixture.channel.until(3);
    const completed = fixture.completed(stream);
    // The third device reboots into the target version: its hello is its answer.
    fixture.hello(macOf(3), { firmware: '13r2' });
    await completed;

    const events = await fixture.stream(stream);
    const settledBatches = events.filter((event) => event.type === 'JobDevicesSettled').map((event) => (event.data.devices as { mac: string }[]).map(({ mac }) => mac));
    expect(settledBatches).toEqual([[macOf(1), macOf(2)], [macOf(3)]]);
    expect(deviceRecords(events, 'JobDevicesSettled').map(({ mac, outcome, via }) => ({ mac, outcome, via }))).toEqual([
      { mac: macOf(1), outcome: 'succeeded', via: 'result' },
      { mac: macOf(2), outcome: 'failed', via: undefined },
      { mac: macOf(3), outcome: 'succeeded', via: 'hello' },
    ]);
  });

  it('runs jobs one after the other in the order they were created', async () => {
    fixture.hello(macOf(1));
    const first = await updates.create(firmware('13r2'), admin);
    const second = await updates.create(firmware('13r3'), admin);
    await fixture.channel.until(1);
    const firstDone = fixture.completed(`updatejob-${first.jobId}`);
    fixture.hello(macOf(1), { firmware: '13r2' });
    await firstDone;
    await fixture.channel.until(2);
    expect(fixture.channel.sent.map(({ message }) => message.type === 'update' && message.target.version)).toEqual(['13r2', '13r3']);

    const secondDone = fixture.completed(`updatejob-${second.jobId}`);
    updates.result(macOf(1), { type: 'update-result', jobId: second.jobId, ok: true });
    await secondDone;
    const log = await fixture.store.readAll();
    const at = (stream: string, type: string): number => log.find((event) => event.stream === stream && event.type === type)?.position ?? -1;
    expect(at(`updatejob-${second.jobId}`, 'JobStarted')).toBeGreaterThan(at(`updatejob-${first.jobId}`, 'JobCompleted'));
  });

  it('after a restart, sends the request of an attempt in flight again when its device says hello, and completes with its answer', async () => {
    fixture.hello(macOf(1));
    const { jobId } = await updates.create(firmware('13r2'), admin);
    await fixture.channel.until(1);
    await updates.stop();

    updates = new UpdateJobSupervisor({ ...fixture.common(), runtime: fixture.runtime({ store: fixture.failing }) });
    expect(await updates.start()).toBe(1);
    fixture.hello(macOf(1));
    await fixture.channel.until(2);
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1), macOf(1)]);
    const completed = fixture.completed(`updatejob-${jobId}`);
    updates.result(macOf(1), { type: 'update-result', jobId, ok: true });
    await completed;
    expect(deviceRecords(await fixture.stream(`updatejob-${jobId}`), 'JobDevicesDispatched')).toHaveLength(1);
  });
});
