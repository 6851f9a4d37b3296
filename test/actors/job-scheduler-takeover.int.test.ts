// Several hub nodes on one store, each with its own runtime, job pool and devices: one node
// holds the kind's scheduler lease and dispatches to devices on every node; each node sends to
// the devices it holds and records their answers; when the holder stops renewing, another
// node takes the lease over and finishes the job. Concurrency holds, from the stored events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { admin, storedEvent } from './runtime/runtime-fixture.js';
import { backupJob, deviceRecords, macOf } from './job-supervisor-fixture.js';
import { JobClusterFixture, leaseMs, leaseStream } from './job-cluster-fixture.js';

/** Most devices in flight at once in the job, replaying its dispatches and settlements in order. */
function mostInFlight(events: readonly RecordedEvent[]): number {
  const inFlight = new Set<string>();
  let most = 0;
  for (const event of events) {
    for (const { mac } of deviceRecords([event], 'JobDevicesDispatched')) inFlight.add(mac);
    for (const { mac } of deviceRecords([event], 'JobDevicesSettled')) inFlight.delete(mac);
    most = Math.max(most, inFlight.size);
  }
  return most;
}

describe('one job scheduler across several hub nodes', () => {
  let fixture: JobClusterFixture;

  beforeEach(async () => {
    fixture = await JobClusterFixture.started(['a', 'b']);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('dispatches from the holder to devices on every node; on the holder lost, another node takes over and finishes, each device once', async () => {
    const [a, b] = [fixture.node(0), fixture.node(1)];
    [1, 2, 3].forEach((i) => fixture.hello(a, macOf(i)));
    [4, 5, 6].forEach((i) => fixture.hello(b, macOf(i)));

    // Created on A while B hears nothing of it yet: A takes the lease, starts the job and dispatches two.
    const delivered = b.store.holdDeliveries();
    const { jobId } = await a.backups.create(backupJob(2), admin);
    const stream = `backupjob-${jobId}`;
    await a.channel.until(2);
    delivered();
    expect(a.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1), macOf(2)]);
    expect(b.channel.sent).toEqual([]);
    expect([a.lease.held, b.lease.held]).toEqual([true, false]);
    // B follows the job: it bids too, and finds A's lease live.
    await b.lease.untilWanted(true);

    // The holder is lost: it can append nothing more, so it stops renewing and releases nothing; its devices' connections end.
    await a.runtime.stop();
    await a.backups.stop();
    for (const device of [...a.online.all()]) a.online.ended(device.mac, device.connectionId);
    b.channel.answer = ({ mac }) => b.backups.result(mac, { type: 'backup-result', jobId, ok: true, bytes: 1 });
    const taken = new Promise((resolve) => b.lease.onTaken(resolve));
    fixture.clock.advance(leaseMs + 1);
    expect(await taken).toMatchObject({ fromOther: true });
    expect(b.lease.held).toBe(true);
    // The new holder times out the lost node's attempts by their deadline, then dispatches the rest (two at a time) to its own devices.
    const completed = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobCompleted'] }, 10_000);
    fixture.clock.advance(600_000);
    await completed;

    const events = await fixture.stream(stream);
    expect(deviceRecords(events, 'JobDevicesDispatched').map(({ mac }) => mac)).toEqual([1, 2, 4, 5, 6].map(macOf));
    expect(mostInFlight(events)).toBeLessThanOrEqual(2);
    expect(deviceRecords(events, 'JobDevicesSettled').map(({ mac, outcome }) => `${mac} ${String(outcome)}`)).toEqual([
      `${macOf(1)} failed`,
      `${macOf(2)} failed`,
      ...[4, 5, 6].map((i) => `${macOf(i)} succeeded`),
    ]);
    expect(b.channel.sent.map(({ mac }) => mac)).toEqual([4, 5, 6].map(macOf));
    // Its job done, B lets the lease go.
    await fixture.leaseEvent('SchedulerLeaseReleased', 'b');
    const holders = (await fixture.stream(leaseStream)).map((event) => event.data.nodeId);
    expect([holders[0], holders.at(-1)]).toEqual(['a', 'b']);
  });

  it('pauses a job through the node that does not schedule it and resumes it through the one that does: nothing goes out while paused, each device once', async () => {
    const [a, b] = [fixture.node(0), fixture.node(1)];
    [1, 2].forEach((i) => fixture.hello(a, macOf(i)));
    [3, 4].forEach((i) => fixture.hello(b, macOf(i)));
    const { jobId } = await a.backups.create(backupJob(1), admin);
    const stream = `backupjob-${jobId}`;
    await a.channel.until(1);
    await b.backups.command(jobId, { type: 'PauseJob' }, admin);
    const settled = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobDevicesSettled'] });
    a.backups.result(macOf(1), { type: 'backup-result', jobId, ok: true, bytes: 1 });
    await settled;
    expect(deviceRecords(await fixture.stream(stream), 'JobDevicesDispatched').map(({ mac }) => mac)).toEqual([macOf(1)]);

    for (const node of fixture.nodes) node.channel.answer = ({ mac }) => node.backups.result(mac, { type: 'backup-result', jobId, ok: true, bytes: 2 });
    const completed = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobCompleted'] });
    await a.backups.command(jobId, { type: 'ResumeJob' }, admin);
    await completed;
    const events = await fixture.stream(stream);
    expect([...deviceRecords(events, 'JobDevicesDispatched').map(({ mac }) => mac)].sort()).toEqual([1, 2, 3, 4].map(macOf));
    expect(mostInFlight(events)).toBe(1);
    expect([...a.channel.sent, ...b.channel.sent].map(({ mac }) => mac).sort()).toEqual([1, 2, 3, 4].map(macOf));
  });
});
