// --link-max-per-tenant holds for the whole cluster: two hub nodes (two runtimes on one SQLite
// file), each holding one of the tenant's devices and its own link ports. Links opened on one
// node count on the other until their end is stored, by whichever node (an end the store did
// not take at first is recorded again until it does), and two nodes opening the tenant's last
// allowed link at once open one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { TunnelSupervisor } from '../../actors/tunnel/tunnel-supervisor.js';
import { parseMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';
import { tenantLinkSeatsAggregate } from '../../domain/link-seats/aggregate.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { endRetryMs } from '../../actors/runtime/ends-not-stored.js';
import { eventually } from '../e2e/tether-process.js';
import { failingAppends } from '../support/failing-appends.js';
import { admin, RuntimeFixture, storedEvent } from './runtime/runtime-fixture.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const firstPort = 46000 + Math.floor(Math.random() * 90) * 10;

class FakeDeviceLink implements ControlConnection {
  readonly ip = '127.0.0.1';
  open = true;
  constructor(readonly connectionId: string) {}
  send(message: HubMessage): void {
    void message;
  }
  close(): void {
    this.open = false;
  }
}

let fixture: RuntimeFixture;
const supervisors: TunnelSupervisor[] = [];

/** A node holding device `mac` of tenant acme, with ports of its own. */
function node(nodeId: string, store: EventStore, mac: Mac, ports: { from: number; to: number }, maxLinksPerTenant: number): TunnelSupervisor {
  const link = new FakeDeviceLink(`conn-${nodeId}`);
  const supervisor = new TunnelSupervisor({
    runtime: fixture.runtime({ store }),
    store,
    clock: fixture.clock,
    devices: { connectionOf: (asked) => (asked === mac ? { link, tenantId: 'acme' } : undefined) },
    nodeId,
    ports,
    bindAddress: '127.0.0.1',
    maxLinksPerTenant,
    logger: quiet,
  });
  supervisors.push(supervisor);
  return supervisor;
}

const macA = parseMac('00:11:22:00:42:01');
const macB = parseMac('00:11:22:00:42:02');
const linkTo = (device: Mac) => ({ device, tenantId: 'acme', settings: { protocol: 'tcp', devicePort: 22 }, context: admin }) as const;

/** Nodes A and B, each with four ports, for a tenant that may hold `limit` links. */
function twoNodes(limit: number): { a: TunnelSupervisor; b: TunnelSupervisor } {
  return {
    a: node('node-a', fixture.store, macA, { from: firstPort, to: firstPort + 3 }, limit),
    b: node('node-b', fixture.openStore(), macB, { from: firstPort + 4, to: firstPort + 7 }, limit),
  };
}

beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  for (const supervisor of supervisors.splice(0)) await supervisor.shutdown();
  await fixture.close();
});

describe("a tenant's links counted across hub nodes", () => {
  it('counts the links opened on node A on node B, until one of them ends', async () => {
    const { a, b } = twoNodes(2);
    const first = await a.open(linkTo(macA));
    await b.open(linkTo(macB));
    await expect(b.open(linkTo(macB))).rejects.toMatchObject({ code: 'tenant_link_limit' });
    await expect(a.open(linkTo(macA))).rejects.toMatchObject({ code: 'tenant_link_limit' });

    await a.close(first.tunnelId, 'deleted', admin);
    await expect(b.open(linkTo(macB))).resolves.toMatchObject({ relay: 'hub' });
  });

  it('opens one link when two nodes open the last one at once', async () => {
    const { a, b } = twoNodes(2);
    await a.open(linkTo(macA));
    const results = await Promise.allSettled([a.open(linkTo(macA)), b.open(linkTo(macB)), a.open(linkTo(macA)), b.open(linkTo(macB))]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'tenant_link_limit' });
    const opened = (await fixture.store.readAll({ maxCount: 10_000 })).filter((event) => event.type === 'TunnelOpened');
    expect(opened).toHaveLength(2);
  });

  it("frees the seat of a link whose end another node stored (a lost node's link ended as hub-lost)", async () => {
    const { a, b } = twoNodes(1);
    const held = await a.open(linkTo(macA));
    await expect(b.open(linkTo(macB))).rejects.toMatchObject({ code: 'tenant_link_limit' });
    // B records the end of a link it does not hold, as it does for a node found lost.
    await b.close(held.tunnelId, 'hub-lost', admin);
    await expect(b.open(linkTo(macB))).resolves.toMatchObject({ relay: 'hub' });
  });

  it('frees the seat of a link whose end could not be stored at first, once the store takes it again', async () => {
    const store = failingAppends(fixture.store);
    const a = node('node-a', store, macA, { from: firstPort, to: firstPort + 3 }, 1);
    await a.open(linkTo(macA));
    store.failNext('tunnel-');
    a.connectionEnded(macA, 'conn-node-a');
    await eventually('the link gone from node A', 3000, () => Promise.resolve(a.liveCount === 0 ? true : undefined));
    await expect(a.open(linkTo(macA))).rejects.toMatchObject({ code: 'tenant_link_limit' });

    const closed = storedEvent(fixture.store, { eventTypes: ['TunnelClosed'] }, 3000);
    fixture.clock.advance(endRetryMs);
    expect(await closed).toMatchObject({ data: { cause: 'device-offline' } });
    await expect(a.open(linkTo(macA))).resolves.toMatchObject({ relay: 'hub' });
  });

  it('frees the seat of an opening never stored, once the opening window has passed', async () => {
    const { b } = twoNodes(1);
    const lost = '3f1c2b8e-0000-4000-8000-000000000002';
    await fixture.runtime().execute(tenantLinkSeatsAggregate, 'acme', { type: 'TakeLinkSeat', tunnelId: lost, capacity: 1, ended: [] }, admin);
    await expect(b.open(linkTo(macB))).rejects.toMatchObject({ code: 'tenant_link_limit' });
    fixture.clock.advance(75_000);
    await expect(b.open(linkTo(macB))).resolves.toMatchObject({ relay: 'hub' });
    expect((await fixture.stream('tenantlinkseats-acme')).map((event) => event.type)).toEqual(['LinkSeatTaken', 'LinkSeatsFreed', 'LinkSeatTaken']);
  });
});
