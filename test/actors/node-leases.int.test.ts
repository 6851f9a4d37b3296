// Node leases on one store with the injected clock: renewals, expiry found by a peer, the
// lost node's leftovers ended once though two peers watch, and a clean end that peers leave be.
import { afterEach, describe, expect, it } from 'vitest';
import { scanLog } from '../../actors/runtime/log-scan.js';
import { NodeLeases } from '../../actors/node/node-leases.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { parseMac } from '../../domain/device/mac.js';
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { Clock } from '../../domain/ports/clock.js';
import { storedEvent } from '../api/gateway-client.js';
import { ManualClock } from '../support/manual-clock.js';
import { RuntimeFixture } from './runtime/runtime-fixture.js';

const leaseMs = 3000;
const appSession = '7d0a3c1e-2b4f-4c8e-9a1d-0f6e5b4c3a22';
const silent = { warn: () => undefined, error: () => undefined };

describe('node leases', () => {
  let fixture: RuntimeFixture;
  const started: NodeLeases[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((leases) => leases.end()));
    await fixture.close();
  });

  async function node(nodeId: string, runtime: ActorRuntime, clock: Clock): Promise<NodeLeases> {
    const leases = new NodeLeases({ runtime, store: fixture.store, clock, nodeId, leaseMs, logger: silent });
    started.push(leases);
    // As at a hub's start-up: the one scan of the log finds the node streams.
    await scanLog(fixture.store, [leases]);
    await leases.start();
    return leases;
  }

  /** A node whose clock never moves: it renews once, then never again, as a node that died. */
  async function frozenNode(nodeId: string): Promise<NodeLeases> {
    const clock = new ManualClock();
    const leases = await node(nodeId, fixture.runtime({ clock }), clock);
    await leases.hold(`http://${nodeId}.internal:8080`);
    return leases;
  }

  it('renews its lease every third of the period, with the address peers call', async () => {
    fixture = new RuntimeFixture();
    const a = await node('node-a', fixture.runtime(), fixture.clock);
    await a.hold('http://10.0.0.1:8080');
    fixture.clock.advance(leaseMs / 3);
    const second = await storedEvent(fixture.store, 'node-node-a', (event) => event.revision === 1);
    expect(second).toMatchObject({ type: 'NodeLeaseRenewed', data: { address: 'http://10.0.0.1:8080', leaseMs, expiresAt: '2026-01-01T00:00:04.000Z' } });
  });

  it('finds a peer whose lease ran out, and of two live peers one declares it lost and ends its connections and sessions as hub-lost', async () => {
    fixture = new RuntimeFixture();
    const mac = parseMac('00:11:22:33:44:01');
    const system = { principal: systemPrincipal };
    await fixture.runtime().execute(
      deviceAggregate,
      mac,
      { type: 'RecordConnection', mac, connectionId: 'c-on-b', ip: '192.0.2.1', inventory: { model: 'm', firmware: 'f', apps: [], software: [], categories: [] }, passwordValid: false, nodeId: 'node-b' },
      system,
    );
    // A protocol-application connection node B held through the device.
    await fixture.runtime().execute(
      forwardAggregate,
      appSession,
      { type: 'OpenForward', sessionId: appSession, kind: 'protocol-app', sourceId: 'ssh', mode: 'tcp-over-device', transport: 'tcp', target: { host: '127.0.0.1', port: 22 }, relay: 'hub', device: mac, tenantId: 'acme', port: 5000, node: 'node-b' },
      system,
    );
    await frozenNode('node-b');
    const a = await node('node-a', fixture.runtime(), fixture.clock);
    const c = await node('node-c', fixture.runtime(), fixture.clock);
    await storedEvent(fixture.store, 'node-node-b', (event) => event.type === 'NodeLeaseRenewed');

    fixture.clock.advance(leaseMs - 1);
    fixture.clock.advance(1);
    const lost = await storedEvent(fixture.store, 'node-node-b', (event) => event.type === 'NodeLost');
    expect(lost.data).toMatchObject({ expiredAt: '2026-01-01T00:00:03.000Z', at: '2026-01-01T00:00:03.000Z' });
    expect(['node-a', 'node-c']).toContain(lost.data.by);
    const ended = await storedEvent(fixture.store, `device-${mac}`, (event) => event.type === 'DeviceDisconnected');
    expect(ended.data).toMatchObject({ connectionId: 'c-on-b', cause: 'hub-lost' });
    const sessionEnded = await storedEvent(fixture.store, `forward-${appSession}`, (event) => event.type === 'ForwardClosed');
    expect(sessionEnded.data).toMatchObject({ cause: 'hub-lost', bytesTransferred: 0 });

    await Promise.all([a.end(), c.end()]);
    const types = (await fixture.stream('node-node-b')).map((event) => event.type);
    expect(types).toEqual(['NodeLeaseRenewed', 'NodeLost']);
    expect((await fixture.stream(`device-${mac}`)).filter((event) => event.type === 'DeviceDisconnected')).toHaveLength(1);
    expect((await fixture.stream(`forward-${appSession}`)).filter((event) => event.type === 'ForwardClosed')).toHaveLength(1);
  });

  it('leaves a peer alone while it renews, and after it ended its lease cleanly', async () => {
    fixture = new RuntimeFixture();
    const b = await node('node-b', fixture.runtime(), fixture.clock);
    await b.hold('http://node-b.internal:8080');
    const a = await node('node-a', fixture.runtime(), fixture.clock);
    for (let renewal = 1; renewal <= 6; renewal += 1) {
      fixture.clock.advance(leaseMs / 3);
      await storedEvent(fixture.store, 'node-node-b', (event) => event.revision === renewal);
    }
    expect(a.livePeerCount).toBe(1);

    await b.end();
    fixture.clock.advance(2 * leaseMs);
    await a.end();
    const types = (await fixture.stream('node-node-b')).map((event) => event.type);
    expect(types.at(-1)).toBe('NodeLeaseEnded');
    expect(types).not.toContain('NodeLost');
  });
});
