// A step of a job whose append fails (the store is unavailable) loses nothing: the answers it
// carried and the devices it was about to dispatch are still there when the store is back.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupJobSupervisor } from '../../actors/backup-job-supervisor.js';
import { SecretSeal } from '../../actors/secret-seal.js';
import { admin } from './runtime-fixture.js';
import { deviceRecords, JobSupervisorFixture, macOf, tenant } from './job-supervisor-fixture.js';

const timeoutMs = 600_000;

describe('a job step whose append fails', () => {
  let fixture: JobSupervisorFixture;
  let backups: BackupJobSupervisor;

  beforeEach(async () => {
    fixture = new JobSupervisorFixture();
    backups = new BackupJobSupervisor({ ...fixture.common(), seal: new SecretSeal(randomBytes(32)) });
    await backups.start([]);
  });

  afterEach(async () => {
    await backups.stop();
    await fixture.close();
  });

  /** Three devices, two at a time: the first two are in flight, the third waits as a candidate; then both answer in one step whose append fails. */
  async function failedStep(): Promise<string> {
    const [a, b, c] = [macOf(1), macOf(2), macOf(3)];
    [a, b, c].forEach((mac) => fixture.hello(mac));
    const { jobId } = await backups.create({ name: 'nightly', tenants: [tenant], categories: [], target: { url: 'http://dav.example/backups', auth: { type: 'none' } }, concurrency: 2, timeoutMs }, admin);
    await fixture.channel.until(2);
    expect(fixture.channel.sent.map((sent) => sent.mac)).toEqual([a, b]);

    fixture.failing.failNext('backupjob-');
    const failed = fixture.logger.nextError();
    backups.result(a, { type: 'backup-result', jobId, ok: true, bytes: 10 });
    backups.result(b, { type: 'backup-result', jobId, ok: true, bytes: 20 });
    await failed;
    fixture.channel.answer = ({ mac }) => backups.result(mac, { type: 'backup-result', jobId, ok: true, bytes: 30 });
    return `backupjob-${jobId}`;
  }

  it('keeps every answer and candidate: once the store is back each device is dispatched once and its answer recorded once', async () => {
    const stream = await failedStep();
    const completed = fixture.completed(stream);
    // Past the attempts' deadline: whatever the pool still holds is recorded by now.
    fixture.clock.advance(timeoutMs + 1);
    await completed;

    const events = await fixture.stream(stream);
    const settled = deviceRecords(events, 'JobDevicesSettled');
    expect(settled.map(({ mac, outcome, bytes }) => ({ mac, outcome, bytes }))).toEqual([
      { mac: macOf(1), outcome: 'succeeded', bytes: 10 },
      { mac: macOf(2), outcome: 'succeeded', bytes: 20 },
      { mac: macOf(3), outcome: 'succeeded', bytes: 30 },
    ]);
    expect(deviceRecords(events, 'JobDevicesDispatched').map(({ mac }) => mac)).toEqual([macOf(1), macOf(2), macOf(3)]);
    expect(fixture.channel.sent.map((sent) => sent.mac)).toEqual([macOf(1), macOf(2), macOf(3)]);
  });

  it('is tried again soon after, not only at the next deadline', async () => {
    const stream = await failedStep();
    const completed = fixture.completed(stream);
    fixture.clock.advance(1000);
    await completed;

    const settled = deviceRecords(await fixture.stream(stream), 'JobDevicesSettled');
    expect(settled.map(({ mac, outcome }) => ({ mac, outcome }))).toEqual([
      { mac: macOf(1), outcome: 'succeeded' },
      { mac: macOf(2), outcome: 'succeeded' },
      { mac: macOf(3), outcome: 'succeeded' },
    ]);
  });
});
