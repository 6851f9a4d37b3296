// The backup job supervisor on its own: a real runtime on a temp SQLite store (whose appends
// can be made to fail), devices put online by hand, requests caught by a recording channel.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
import type { NewBackupJob } from '../../actors/backup-job/backup-job-supervisor.js';
import { SecretSeal } from '../../actors/secrets/secret-seal.js';
import { admin, storedEvent } from './runtime/runtime-fixture.js';
import { deviceRecords, JobSupervisorFixture, macOf, tenant } from './job-supervisor-fixture.js';

const password = 'dav-secret-42';

const nightly = (concurrency = 20): NewBackupJob => ({
  name: 'nightly',
  tenants: [tenant],
  categories: [],
  target: { url: 'https://dav.example/backups', auth: { type: 'basic', username: 'hub', password } },
  concurrency,
});

describe('BackupJobSupervisor', () => {
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

  it("asks each device to PUT under <tenant>/<mac>/<timestamp> with the target's password, which no event holds in clear", async () => {
    fixture.hello(macOf(1));
    const { jobId } = await backups.create(nightly(), admin);
    await fixture.channel.until(1);
    const [sent] = fixture.channel.sent;
    expect(sent?.message).toMatchObject({ type: 'backup', jobId, auth: { type: 'basic', username: 'hub', password } });
    expect(sent?.message.type === 'backup' && sent.message.url).toMatch(new RegExp(`^https://dav\\.example/backups/${tenant}/${macOf(1)}/`));

    const completed = fixture.completed(`backupjob-${jobId}`);
    backups.result(macOf(1), { type: 'backup-result', jobId, ok: true, bytes: 512 });
    await completed;
    const events = await fixture.stream(`backupjob-${jobId}`);
    expect(JSON.stringify(events)).not.toContain(password);
    expect(deviceRecords(events, 'JobDevicesSettled').map(({ mac, outcome, bytes }) => ({ mac, outcome, bytes }))).toEqual([{ mac: macOf(1), outcome: 'succeeded', bytes: 512 }]);
  });

  it("records a device's failure with its own error, and a retry asks the failed device again", async () => {
    [1, 2].forEach((i) => fixture.hello(macOf(i)));
    const { jobId } = await backups.create(nightly(), admin);
    const stream = `backupjob-${jobId}`;
    await fixture.channel.until(2);
    const completed = fixture.completed(stream);
    backups.result(macOf(1), { type: 'backup-result', jobId, ok: true, bytes: 1 });
    backups.result(macOf(2), { type: 'backup-result', jobId, ok: false, error: 'HTTP 401 Unauthorized' });
    await completed;
    expect(deviceRecords(await fixture.stream(stream), 'JobDevicesSettled').map(({ mac, error }) => ({ mac, error }))).toEqual([
      { mac: macOf(1), error: undefined },
      { mac: macOf(2), error: 'HTTP 401 Unauthorized' },
    ]);

    await backups.command(jobId, { type: 'RetryJob' }, admin);
    await fixture.channel.until(3);
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1), macOf(2), macOf(2)]);
    const dispatched = deviceRecords(await fixture.stream(stream), 'JobDevicesDispatched');
    expect(dispatched.map(({ mac, attempt }) => ({ mac, attempt }))).toEqual([
      { mac: macOf(1), attempt: 1 },
      { mac: macOf(2), attempt: 1 },
      { mac: macOf(2), attempt: 2 },
    ]);
  });

  it('fails a device that does not answer by its deadline, and sends nothing more for a canceled job', async () => {
    [1, 2].forEach((i) => fixture.hello(macOf(i)));
    const { jobId } = await backups.create({ ...nightly(1), timeoutMs: 60_000 }, admin);
    const stream = `backupjob-${jobId}`;
    await fixture.channel.until(1);
    await backups.command(jobId, { type: 'CancelJob' }, admin);
    const settled = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobDevicesSettled'] });
    fixture.clock.advance(60_001);
    expect(deviceRecords([await settled], 'JobDevicesSettled')).toMatchObject([{ mac: macOf(1), outcome: 'failed', cause: 'timeout' }]);
    // The canceled job's device says hello again: its request is not sent again.
    fixture.hello(macOf(1));
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1)]);
  });

  describe('a job step whose append fails (the store unavailable) loses nothing', () => {
    const timeoutMs = 600_000;

    /** Three devices, two at a time: the first two are in flight, the third waits as a candidate; then both answer in one step whose append fails. */
    async function failedStep(): Promise<string> {
      const [a, b, c] = [macOf(1), macOf(2), macOf(3)];
      [a, b, c].forEach((mac) => fixture.hello(mac));
      const { jobId } = await backups.create({ ...nightly(2), timeoutMs }, admin);
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
});
