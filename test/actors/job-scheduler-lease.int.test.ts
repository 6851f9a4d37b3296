// The scheduler lease of a job kind is held only while jobs need a scheduler: an idle cluster
// appends nothing to it, a job created through any node is picked up at once, and the node that
// takes the lease schedules only once its view of the jobs caught up with the log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admin, storedEvent } from './runtime/runtime-fixture.js';
import { backupJob, macOf } from './job-supervisor-fixture.js';
import type { LeaseTaken } from '../../actors/job/job-kind.js';
import { JobClusterFixture, leaseMs, leaseStream } from './job-cluster-fixture.js';

describe('the scheduler lease of a job kind', () => {
  let fixture: JobClusterFixture;

  beforeEach(async () => {
    fixture = await JobClusterFixture.started(['a', 'b']);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('is neither taken nor renewed while no job needs a scheduler, before a job and after it; a job created through either node is run at once', async () => {
    const [a, b] = [fixture.node(0), fixture.node(1)];
    await fixture.idle(5 * leaseMs);
    expect(await fixture.leaseEvents()).toEqual([]);
    // Nothing bids, so nothing is armed to bid.
    expect(fixture.clock.pending()).toBe(0);

    [1, 2].forEach((i) => fixture.hello(a, macOf(i)));
    for (const node of fixture.nodes) {
      node.channel.answer = ({ mac, message }) => message.type === 'backup' && node.backups.result(mac, { type: 'backup-result', jobId: message.jobId, ok: true, bytes: 1 });
    }
    // Created through B, for devices on A: without moving the clock, some node takes the lease and runs the job.
    const { jobId } = await b.backups.create(backupJob(1), admin);
    await storedEvent(fixture.store, { streamPrefixes: [`backupjob-${jobId}`], eventTypes: ['JobCompleted'] });
    await Promise.all([a.lease.untilWanted(false), b.lease.untilWanted(false)]);
    const released = await storedEvent(fixture.store, { streamPrefixes: [leaseStream], eventTypes: ['SchedulerLeaseReleased'] });

    const lease = await fixture.leaseEvents();
    expect(lease.map((event) => event.type)).toEqual(['SchedulerLeaseHeld', 'SchedulerLeaseReleased']);
    expect(lease.at(-1)?.position).toBe(released.position);
    await fixture.idle(5 * leaseMs);
    expect(await fixture.leaseEvents()).toHaveLength(2);
  });

  it('lets the node that takes it schedule only once its view of the jobs reached the take: no step of it is refused', async () => {
    const [a, b] = [fixture.node(0), fixture.node(1)];
    fixture.hello(b, macOf(4));
    // A takes the lease for a job created through it, and dispatches B's device; B sends the request.
    const unheard = b.store.holdDeliveries();
    const { jobId } = await a.backups.create(backupJob(1), admin);
    await fixture.leaseEvent('SchedulerLeaseHeld', 'a');
    unheard();
    await b.channel.until(1);

    // B's follower lags from here on. B records its device's answer, then the device goes; A completes the job and lets the lease go.
    const lagging = b.store.holdDeliveries();
    b.backups.result(macOf(4), { type: 'backup-result', jobId, ok: true, bytes: 1 });
    const device = b.online.get(macOf(4));
    if (device !== undefined) b.online.ended(device.mac, device.connectionId);
    await storedEvent(fixture.store, { streamPrefixes: [`backupjob-${jobId}`], eventTypes: ['JobCompleted'] });
    await fixture.leaseEvent('SchedulerLeaseReleased', 'a');

    // To B the job still runs, with nothing left in flight: it takes the lease at its next bid.
    const taken = new Promise((resolve) => b.lease.onTaken(resolve));
    fixture.clock.advance(leaseMs / 3);
    expect(await taken).toMatchObject({ fromOther: true });
    // B's loop gets a turn or two while its follower still lags.
    for (let turn = 0; turn < 3; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
    lagging();
    // Caught up, B finds the job completed and lets the lease go, having refused nothing.
    await fixture.leaseEvent('SchedulerLeaseReleased', 'b');
    expect(b.logger.errors).toEqual([]);
    const events = await fixture.stream(`backupjob-${jobId}`);
    expect(events.filter((event) => event.type === 'JobCompleted')).toHaveLength(1);
  });

  it('is let go when the node stops while a take is being stored: the next node takes it at once', async () => {
    const [a, b] = [fixture.node(0), fixture.node(1)];
    const append = a.store.holdAppends();
    a.lease.want(true);
    await append.reached;
    const stopping = a.lease.stop();
    append.open();
    await stopping;
    expect((await fixture.leaseEvents()).map((event) => `${event.type} ${String(event.data.nodeId)}`)).toEqual(['SchedulerLeaseHeld a', 'SchedulerLeaseReleased a']);
    const taken = fixture.leaseEvent('SchedulerLeaseHeld', 'b');
    b.lease.want(true);
    await taken;
  });

  it("is let go by a node whose follower broke, so another node schedules; the follower follows again from where it broke", async () => {
    const [a, b] = [fixture.node(0), fixture.node(1)];
    fixture.hello(b, macOf(1));
    const logged = b.logger.nextError();
    b.store.breakSubscriptions();
    await logged;
    // Created through B, whose view keeps up with nothing appended elsewhere: A takes the lease and starts it.
    const started = storedEvent(fixture.store, { streamPrefixes: ['backupjob-'], eventTypes: ['JobStarted'] });
    await b.backups.create(backupJob(1), admin);
    await started;
    expect(a.lease.held).toBe(true);
    // Following again, B takes in A's dispatch to B's device and sends the request.
    fixture.clock.advance(1000);
    await b.channel.until(1);
    expect(b.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1)]);
  });

  it('is let go by a stopping pool once its step in flight is stored, and no step of it after', async () => {
    const a = fixture.node(0);
    [1, 2].forEach((i) => fixture.hello(a, macOf(i)));
    const { jobId } = await a.backups.create(backupJob(1), admin);
    await a.channel.until(1);
    const append = a.store.holdAppends();
    a.backups.result(macOf(1), { type: 'backup-result', jobId, ok: true, bytes: 1 });
    await append.reached;
    const stopping = a.backups.stop();
    append.open();
    await stopping;
    const events = (await fixture.store.readAll()).filter((event) => [leaseStream, `backupjob-${jobId}`].includes(event.stream));
    expect(events.slice(-2).map((event) => event.type)).toEqual(['JobDevicesDispatched', 'SchedulerLeaseReleased']);
  });
});

describe('the scheduler lease alone', () => {
  let fixture: JobClusterFixture;

  beforeEach(() => {
    // The pools are not started: only the tests' wishes move the leases.
    fixture = new JobClusterFixture(['a', 'b']);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('counts as a take, not a renewal, a renewal stored after another node took the lease and let it go', async () => {
    const [a, b] = [fixture.node(0), fixture.node(1)];
    const firstTake = new Promise((resolve) => a.lease.onTaken(resolve));
    a.lease.want(true);
    await firstTake;
    // A's renewal is slow to be stored: meanwhile its lease runs out, B takes it and lets it go.
    const append = a.store.holdAppends();
    fixture.clock.advance(leaseMs / 3);
    await append.reached;
    fixture.clock.advance(leaseMs);
    const released = fixture.leaseEvent('SchedulerLeaseReleased', 'b');
    b.lease.want(true);
    await fixture.leaseEvent('SchedulerLeaseHeld', 'b');
    b.lease.want(false);
    await released;

    const taken = new Promise<LeaseTaken>((resolve) => a.lease.onTaken(resolve));
    append.open();
    const events = await fixture.leaseEvents();
    expect((await taken).position).toBeGreaterThan(events.at(-1)?.position ?? Infinity);
  });
});

