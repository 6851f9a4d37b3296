// The job pool as the job aggregates' live module: whatever appends to a job through the
// runtime (the pool, a person, a deadline), the pool acts on the stored events; attempts time
// out by the job's deadline, which the runtime arms and re-arms at start-up.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
import { SecretSeal } from '../../actors/secrets/secret-seal.js';
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import { admin, storedEvent } from './runtime/runtime-fixture.js';
import { backupJob, createBackupJob, deviceRecords, JobSupervisorFixture, macOf } from './job-supervisor-fixture.js';

const seal = new SecretSeal(randomBytes(32));

describe('the job pool applies what the runtime stores', () => {
  let fixture: JobSupervisorFixture;
  let backups: BackupJobSupervisor;

  beforeEach(async () => {
    fixture = new JobSupervisorFixture();
    backups = new BackupJobSupervisor({ ...fixture.common(), seal });
    await backups.start([]);
  });

  afterEach(async () => {
    await backups.stop();
    await fixture.close();
  });

  it('runs a job created through the runtime, not through the pool', async () => {
    fixture.hello(macOf(1));
    const jobId = randomUUID();
    await fixture.jobRuntime.execute(backupJobAggregate, jobId, createBackupJob(jobId, 5), admin);
    await fixture.channel.until(1);
    expect(fixture.channel.sent).toMatchObject([{ mac: macOf(1), message: { type: 'backup', jobId } }]);
  });

  it('stops dispatching once a pause is stored, whoever appended it, and dispatches the rest once a resume is', async () => {
    [1, 2].forEach((i) => fixture.hello(macOf(i)));
    const jobId = randomUUID();
    const stream = `backupjob-${jobId}`;
    await fixture.jobRuntime.execute(backupJobAggregate, jobId, createBackupJob(jobId, 1), admin);
    await fixture.channel.until(1);
    await fixture.jobRuntime.execute(backupJobAggregate, jobId, { type: 'PauseJob' }, admin);
    const settled = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobDevicesSettled'] });
    backups.result(macOf(1), { type: 'backup-result', jobId, ok: true, bytes: 1 });
    await settled;
    expect(deviceRecords(await fixture.stream(stream), 'JobDevicesDispatched').map(({ mac }) => mac)).toEqual([macOf(1)]);

    const completed = fixture.completed(stream);
    fixture.channel.answer = ({ mac }) => backups.result(mac, { type: 'backup-result', jobId, ok: true, bytes: 2 });
    await fixture.jobRuntime.execute(backupJobAggregate, jobId, { type: 'ResumeJob' }, admin);
    await completed;
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1), macOf(2)]);
  });

  it("times out an attempt by the job's deadline, re-armed after a restart when it passed while no hub ran", async () => {
    fixture.hello(macOf(1));
    const { jobId } = await backups.create({ ...backupJob(1), timeoutMs: 60_000 }, admin);
    const stream = `backupjob-${jobId}`;
    await fixture.channel.until(1);
    await backups.stop();
    await fixture.jobRuntime.stop();
    fixture.clock.advance(60_001);
    expect(deviceRecords(await fixture.stream(stream), 'JobDevicesSettled')).toEqual([]);

    backups = new BackupJobSupervisor({ ...fixture.common(), runtime: fixture.runtime({ store: fixture.failing }), seal });
    const settled = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobDevicesSettled'] });
    expect(await backups.start()).toBe(1);
    expect(deviceRecords([await settled], 'JobDevicesSettled')).toMatchObject([{ mac: macOf(1), outcome: 'failed', cause: 'timeout' }]);
  });
});
