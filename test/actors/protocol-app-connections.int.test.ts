// Protocol-application connections on a real runtime and SQLite store, with a fake device at the
// control-connection boundary: the hub port is bound before the session is stored, serves once it
// is, is free again when the session cannot be stored, and closes once the session's end is stored.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProtocolAppSupervisor } from '../../actors/protocol-app/protocol-app-supervisor.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { parseMac } from '../../domain/device/mac.js';
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import { failingAppends } from '../support/failing-appends.js';
import type { FailingAppends } from '../support/failing-appends.js';
import { reachable, tcpFree } from '../support/port-probes.js';
import { assignedApp, protocolApps } from './protocol-app-fixture.js';
import type { ListeningAgent } from './protocol-app-fixture.js';
import { admin, RuntimeFixture, storedEvent } from './runtime/runtime-fixture.js';

const mac = parseMac('00:11:22:00:50:01');
const port = 47000 + Math.floor(Math.random() * 900);

/** The store with the next append to a forward stream held until let through. */
interface HeldAppends extends EventStore {
  hold(): { readonly appending: Promise<void>; letThrough(): void };
}

function heldAppends(store: EventStore): HeldAppends {
  let held: { reached: () => void; through: Promise<void> } | undefined;
  return {
    hold() {
      let reached = (): void => undefined;
      let letThrough = (): void => undefined;
      const appending = new Promise<void>((resolve) => (reached = resolve));
      held = { reached, through: new Promise<void>((resolve) => (letThrough = resolve)) };
      return { appending, letThrough };
    },
    async append(stream, events, expected) {
      const waiting = stream.startsWith('forward-') ? held : undefined;
      if (waiting !== undefined) {
        held = undefined;
        waiting.reached();
        await waiting.through;
      }
      return store.append(stream, events, expected);
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    headPosition: () => store.headPosition(),
    identity: () => store.identity(),
    close: () => store.close(),
  };
}

let fixture: RuntimeFixture;
let store: FailingAppends & HeldAppends;
let apps: ProtocolAppSupervisor;
let agent: ListeningAgent;
let runtime: ActorRuntime;

function udpFree(at: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(at, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

const assigned = (template: AppTemplate): Promise<string> => assignedApp(apps, mac, template);

/** Records a session's end through the runtime itself, as a hand other than the connection would. */
const endSession = async (sessionId: string): Promise<void> => {
  await runtime.execute(forwardAggregate, sessionId, { type: 'CloseForward', cause: 'deleted', bytesToTarget: 0, bytesFromTarget: 0 }, { principal: systemPrincipal });
};

beforeEach(() => {
  fixture = new RuntimeFixture();
  const held = heldAppends(fixture.store);
  store = { ...failingAppends(held), hold: () => held.hold() };
  runtime = fixture.runtime({ store });
  ({ apps, agent } = protocolApps({ runtime, clock: fixture.clock, mac, port }));
});
afterEach(async () => {
  await apps.shutdown();
  await fixture.close();
});

describe('a port connection of a protocol application', () => {
  it('is stored, then serves its port; a disconnect stores its end and frees the port', async () => {
    const appId = await assigned({ name: 'SSH', type: 'tcp', devicePort: 22 });
    const connected = await apps.connect(appId, mac, 'acme', admin);
    expect(connected.port).toBe(port);
    const [sessionId] = connected.sessions;
    expect((await fixture.stream(`forward-${sessionId}`)).map((e) => e.type)).toEqual(['ForwardOpened']);
    expect(await reachable(port)).toBe(true);

    await apps.disconnect(appId, mac, admin);
    expect((await fixture.stream(`forward-${sessionId}`)).map((e) => e.type).at(-1)).toBe('ForwardClosed');
    expect(await tcpFree(port)).toBe(true);
  });

  it('a reserve whose append fails leaves the port free (tcp and udp)', async () => {
    const tcp = await assigned({ name: 'SSH', type: 'tcp', devicePort: 22 });
    store.failNext('forward-');
    await expect(apps.connect(tcp, mac, 'acme', admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(apps.connectionOf(tcp, mac)).toBeUndefined();
    expect(await tcpFree(port)).toBe(true);

    const udp = await assigned({ name: 'Syslog', type: 'udp', devicePort: 514 });
    store.failNext('forward-');
    await expect(apps.connect(udp, mac, 'acme', admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(await udpFree(port)).toBe(true);

    await expect(apps.connect(tcp, mac, 'acme', admin)).resolves.toMatchObject({ port });
  });

  it('takes a client that came while its session was being stored once it is stored, not before', async () => {
    const appId = await assigned({ name: 'SSH', type: 'tcp', devicePort: 22 });
    const { appending, letThrough } = store.hold();
    const connecting = apps.connect(appId, mac, 'acme', admin);
    await appending;
    let client: Socket;
    try {
      client = await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
        socket.once('error', reject);
      });
    } finally {
      letThrough();
    }
    client.on('error', () => undefined);
    const attached = storedEvent(fixture.store, { eventTypes: ['ForwardStreamAttached'] }, 3000);
    const { sessions } = await connecting;
    // Taken once stored: its stream is recorded (and ends, as the fake device serves no streams).
    expect(await attached).toMatchObject({ stream: `forward-${sessions[0]}`, data: { clientPort: client.localPort } });
    client.destroy();
  });

  it('closes its port once its end is stored, whoever stored it, and is let go', async () => {
    const appId = await assigned({ name: 'SSH', type: 'tcp', devicePort: 22 });
    const { sessions } = await apps.connect(appId, mac, 'acme', admin);
    await endSession(sessions[0] ?? '');
    expect(await tcpFree(port)).toBe(true);
    expect(apps.connectionOf(appId, mac)).toBeUndefined();
  });
});

describe('a dtt-reverse connection of a protocol application', () => {
  const reverse: AppTemplate = { name: 'Tickets', type: 'dtt-reverse', targetEndpoint: 'hub', targetHost: 'localhost', portMappings: [{ devicePort: 8080, targetPort: 9 }] };

  it('has the agent listen only once the session is stored: nothing is sent when it cannot be', async () => {
    const appId = await assigned(reverse);
    store.failNext('forward-');
    await expect(apps.connect(appId, mac, 'acme', admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(agent.sent).toEqual([]);
    await apps.connect(appId, mac, 'acme', admin);
    expect(agent.sent.map((m) => m.type)).toEqual(['reverse-listen']);
  });

  it('has the agent stop listening once the end is stored, whoever stored it, and is let go', async () => {
    const appId = await assigned(reverse);
    const { sessions } = await apps.connect(appId, mac, 'acme', admin);
    await endSession(sessions[0] ?? '');
    expect(agent.sent.map((m) => m.type)).toEqual(['reverse-listen', 'reverse-unlisten']);
    expect(apps.connectionOf(appId, mac)).toBeUndefined();
  });
});
