// The job pool of a node that does not schedule, taking in what another node appends: each job
// event is read from the store once, a start-up load is read once per job, and a start-up
// that races the follower keeps where each request went (no request lost, none sent twice), and
// what is appended between the start-up scan and the start is followed.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
import type { SchedulerRole } from '../../actors/job/job-kind.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { SecretSeal } from '../../actors/secrets/secret-seal.js';
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import type { Mac } from '../../domain/device/mac.js';
import type { JobCommand } from '../../domain/job/job-commands.js';
import { watchedStore } from '../support/watched-store.js';
import type { WatchedStore } from '../support/watched-store.js';
import { admin } from './runtime/runtime-fixture.js';
import { createBackupJob, JobSupervisorFixture, macOf, tenant } from './job-supervisor-fixture.js';

const seal = new SecretSeal(randomBytes(32));

/** Another node holds the scheduler lease: this one only sends to its devices and records their answers. */
const elsewhere: SchedulerRole = { held: false, onTaken: () => undefined, want: () => undefined, stop: async () => undefined };

const dispatch = (mac: Mac): JobCommand => ({ type: 'AdvanceJob', results: [], dispatch: [{ mac, tenantId: tenant, trigger: 'run', location: `https://dav.example/backups/${mac}` }] });

describe("a job pool following another node's appends", () => {
  let fixture: JobSupervisorFixture;
  let watched: WatchedStore;
  let runtime: ActorRuntime;
  let backups: BackupJobSupervisor;
  /** The scheduling node: appends to the jobs through its own runtime. */
  let scheduler: ActorRuntime;

  beforeEach(() => {
    fixture = new JobSupervisorFixture();
    watched = watchedStore(fixture.openStore());
    runtime = fixture.runtime({ store: watched });
    backups = new BackupJobSupervisor({ ...fixture.common(), runtime, store: watched, scheduler: elsewhere, seal });
    scheduler = fixture.jobRuntime;
  });

  afterEach(async () => {
    await backups.stop();
    await fixture.close();
  });

  it('reads a job once at start-up, and each event of it appended elsewhere once', async () => {
    const jobId = randomUUID();
    const stream = `backupjob-${jobId}`;
    await scheduler.execute(backupJobAggregate, jobId, createBackupJob(jobId, 2), admin);
    await scheduler.execute(backupJobAggregate, jobId, { type: 'StartJob' }, admin);
    expect(await backups.start([stream])).toBe(1);
    expect(watched.reads.get(stream)).toBe(1);

    fixture.hello(macOf(1));
    await scheduler.execute(backupJobAggregate, jobId, dispatch(macOf(1)), admin);
    // The request goes out once the follower took the dispatch in.
    await fixture.channel.until(1);
    expect(watched.reads.get(stream)).toBe(2);
  });

  it('follows the jobs from where the start-up scan ended: a job another node created and dispatched in between is taken in', async () => {
    fixture.hello(macOf(1));
    const scannedTo = await watched.headPosition();
    const jobId = randomUUID();
    await scheduler.execute(backupJobAggregate, jobId, createBackupJob(jobId, 2), admin);
    await scheduler.execute(backupJobAggregate, jobId, { type: 'StartJob' }, admin);
    await scheduler.execute(backupJobAggregate, jobId, dispatch(macOf(1)), admin);
    // The scan found no job; nothing more of this one is appended after the start.
    expect(await backups.start([], scannedTo)).toBe(0);
    await fixture.channel.until(1);
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1)]);
  });

  it('does not pass over a job event it could not read: it reads it again shortly after', async () => {
    const jobId = randomUUID();
    const stream = `backupjob-${jobId}`;
    await scheduler.execute(backupJobAggregate, jobId, createBackupJob(jobId, 2), admin);
    await scheduler.execute(backupJobAggregate, jobId, { type: 'StartJob' }, admin);
    await backups.start([stream]);
    fixture.hello(macOf(1));
    const unreadable = watched.failReads();
    const logged = fixture.logger.nextError();
    await scheduler.execute(backupJobAggregate, jobId, dispatch(macOf(1)), admin);
    await logged;
    unreadable();
    fixture.clock.advance(1000);
    await fixture.channel.until(1);
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1)]);
  });

  it('keeps a job the follower met while the start-up loaded it: the request sent stays sent, the one dispatched meanwhile goes out', async () => {
    [1, 2].forEach((i) => fixture.hello(macOf(i)));
    const scanned = watched.holdScans();
    const started = backups.start();
    const jobId = randomUUID();
    await scheduler.execute(backupJobAggregate, jobId, createBackupJob(jobId, 2), admin);
    await scheduler.execute(backupJobAggregate, jobId, { type: 'StartJob' }, admin);
    await scheduler.execute(backupJobAggregate, jobId, dispatch(macOf(1)), admin);
    await fixture.channel.until(1);

    // The follower lags: the start-up load is the first to read the next dispatch.
    const delivered = watched.holdDeliveries();
    await scheduler.execute(backupJobAggregate, jobId, dispatch(macOf(2)), admin);
    scanned();
    expect(await started).toBe(1);
    delivered();
    // The first device says hello again on the connection its request went out on.
    const first = fixture.online.get(macOf(1));
    if (first === undefined) throw new Error('device 1 online');
    const { connectionId, tenantId, adminCategories, ...inventory } = first;
    fixture.online.live(macOf(1), { connectionId, tenantId, inventory, adminCategories });

    await fixture.channel.until(2);
    expect(fixture.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1), macOf(2)]);
  });
});
