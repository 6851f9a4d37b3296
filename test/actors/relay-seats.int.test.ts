// A relay's maxSessions holds for the whole cluster: two hub nodes (two runtimes on one SQLite
// file) with the same relay connected to both, a fake relay channel answering at the socket
// boundary. Sessions placed by one node count on the other until they end, and two nodes
// placing at once on the last seat place one session.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import type { RelayTunnelHost } from '../../data-plane/relay-tunnel-host.js';
import { TunnelSupervisor } from '../../actors/tunnel/tunnel-supervisor.js';
import { parseMac } from '../../domain/device/mac.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';
import type { HubToRelayMessage } from '../../domain/relay/channel-messages.js';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import { relaySeatsAggregate } from '../../domain/link-seats/aggregate.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { countedReads } from '../support/counted-reads.js';
import { admin, RuntimeFixture } from './runtime/runtime-fixture.js';

const mac = parseMac('00:11:22:00:41:01');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const request = { device: mac, tenantId: 'acme', settings: { protocol: 'tcp', devicePort: 22 }, context: admin } as const;

class FakeDeviceLink implements ControlConnection {
  readonly ip = '127.0.0.1';
  readonly connectionId = 'conn-1';
  open = true;
  send(message: HubMessage): void {
    void message;
  }
  close(): void {
    this.open = false;
  }
}

/** The relay's side of one node's control channel: it opens every link asked (or refuses them all) and answers closes. */
function connectRelay(supervisor: TunnelSupervisor, behaviour: { refuse: boolean } = { refuse: false }): RelayTunnelHost {
  let nextPort = 50_000;
  const host: RelayTunnelHost = supervisor.attachRelay({
    relay: 'r1',
    dialBackBase: 'http://127.0.0.1:1',
    clientHost: '127.0.0.1',
    channel: {
      open: true,
      close: () => undefined,
      send: (message: HubToRelayMessage) => {
        if (message.type === 'open-link') {
          const { tunnelId } = message;
          nextPort += 1;
          const answer = behaviour.refuse ? ({ type: 'link-failed', tunnelId, code: 'ports_exhausted', message: 'full' } as const) : ({ type: 'link-opened', tunnelId, port: nextPort } as const);
          setImmediate(() => host.receive(answer));
        }
        if (message.type === 'close-link') {
          setImmediate(() => host.receive({ type: 'link-closed', tunnelId: message.tunnelId, cause: message.cause, bytesToDevice: 0, bytesFromDevice: 0 }));
        }
      },
    },
  });
  return host;
}

let fixture: RuntimeFixture;
const supervisors: TunnelSupervisor[] = [];

function node(nodeId: string, store: EventStore): TunnelSupervisor {
  const supervisor = new TunnelSupervisor({
    runtime: fixture.runtime({ store }),
    store,
    clock: fixture.clock,
    devices: { connectionOf: (asked) => (asked === mac ? { link: new FakeDeviceLink(), tenantId: 'acme' } : undefined) },
    nodeId,
    ports: { from: 1, to: 1 },
    bindAddress: '127.0.0.1',
    localRelay: false,
    logger: quiet,
  });
  supervisors.push(supervisor);
  return supervisor;
}

async function registerRelay(maxSessions: number): Promise<void> {
  const runtime = fixture.runtime();
  const registration = { name: 'r1', hostName: '127.0.0.1', port: 9, maxSessions, tokenHash: 'ab'.repeat(32), heartbeatTimeoutMs: 3_600_000 };
  await runtime.execute(relayAggregate, 'r1', { type: 'RegisterRelay', ...registration, joinSecretPresented: true }, admin);
}

let a: TunnelSupervisor;
let b: TunnelSupervisor;

beforeEach(() => {
  fixture = new RuntimeFixture();
  a = node('node-a', fixture.store);
  b = node('node-b', fixture.openStore());
});
afterEach(async () => {
  for (const supervisor of supervisors.splice(0)) await supervisor.shutdown();
  await fixture.close();
});

describe('a relay\'s sessions counted across hub nodes', () => {
  it('counts a session placed by node A on node B until it ends, then B may place one', async () => {
    await registerRelay(1);
    connectRelay(a);
    connectRelay(b);
    const opened = await a.open(request);
    expect(opened.relay).toBe('r1');
    expect(await b.relaySessions('r1')).toBe(1);
    await expect(b.open(request)).rejects.toMatchObject({ code: 'no_relay_available' });
    await expect(b.open({ ...request, relay: 'r1' })).rejects.toMatchObject({ code: 'no_relay_available' });

    await a.close(opened.tunnelId, 'deleted', admin);
    expect(await b.relaySessions('r1')).toBe(0);
    await expect(b.open(request)).resolves.toMatchObject({ relay: 'r1' });
  });

  it('places one session when two nodes place on the last seat at once', async () => {
    await registerRelay(2);
    connectRelay(a);
    connectRelay(b);
    await a.open(request);
    const results = await Promise.allSettled([a.open(request), b.open(request), a.open(request), b.open(request)]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'no_relay_available' });
  });

  it('reads the link of each seat once per opening', async () => {
    await registerRelay(5);
    connectRelay(a);
    const placed = [await a.open(request), await a.open(request), await a.open(request)];
    const counted = countedReads(fixture.openStore());
    const c = node('node-c', counted);
    connectRelay(c);
    await expect(c.open(request)).resolves.toMatchObject({ relay: 'r1' });
    for (const { tunnelId } of placed) expect(counted.streamsRead.filter((stream) => stream === `tunnel-${tunnelId}`)).toHaveLength(1);
  });

  it('gives back the seat of a session the relay refused to open', async () => {
    await registerRelay(1);
    const refusing = { refuse: true };
    connectRelay(a, refusing);
    connectRelay(b);
    await expect(a.open(request)).rejects.toMatchObject({ code: 'ports_exhausted' });
    refusing.refuse = false;
    await expect(b.open(request)).resolves.toMatchObject({ relay: 'r1' });
  });

  it('frees the seat of a session whose node died while opening it, once the opening window has passed', async () => {
    await registerRelay(1);
    connectRelay(b);
    const lost = '3f1c2b8e-0000-4000-8000-000000000001';
    await fixture.runtime().execute(relaySeatsAggregate, 'r1', { type: 'TakeLinkSeat', tunnelId: lost, capacity: 1, ended: [] }, admin);
    await expect(b.open(request)).rejects.toMatchObject({ code: 'no_relay_available' });
    fixture.clock.advance(75_000);
    await expect(b.open(request)).resolves.toMatchObject({ relay: 'r1' });
    expect((await fixture.stream('relayseats-r1')).map((event) => event.type)).toEqual(['LinkSeatTaken', 'LinkSeatsFreed', 'LinkSeatTaken']);
  });
});
