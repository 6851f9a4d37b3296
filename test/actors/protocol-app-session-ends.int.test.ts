// A protocol-application session that nothing serves any more is still recorded ended: one
// stored whose connection could not start is ended (error) and its port freed; one whose end
// could not be stored lets its port go at once and has its end recorded once the store takes it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endRetryMs } from '../../actors/runtime/ends-not-stored.js';
import type { ProtocolAppSupervisor } from '../../actors/protocol-app/protocol-app-supervisor.js';
import { parseMac } from '../../domain/device/mac.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import { eventually } from '../e2e/tether-process.js';
import { failingAppends } from '../support/failing-appends.js';
import type { FailingAppends } from '../support/failing-appends.js';
import { tcpFree } from '../support/port-probes.js';
import { assignedApp, protocolApps } from './protocol-app-fixture.js';
import { admin, RuntimeFixture, storedEvent } from './runtime/runtime-fixture.js';

const mac = parseMac('00:11:22:00:50:02');
const port = 47000 + Math.floor(Math.random() * 900);

let fixture: RuntimeFixture;
let store: FailingAppends;
let apps: ProtocolAppSupervisor;
let sent: readonly HubMessage[];
/** While set, the sessions' clock cannot arm a timer: a session's live side cannot start. */
let timersFail: boolean;

const assigned = (template: AppTemplate): Promise<string> => assignedApp(apps, mac, template);

const closedTypes = async (sessionId: string): Promise<readonly unknown[]> =>
  (await fixture.stream(`forward-${sessionId}`)).filter((event) => event.type === 'ForwardClosed').map((event) => event.data.cause);

beforeEach(() => {
  fixture = new RuntimeFixture();
  store = failingAppends(fixture.store);
  timersFail = false;
  const runtime = fixture.runtime({ store });
  const sessionClock: Clock = {
    now: () => fixture.clock.now(),
    at: (when, fn) => {
      if (timersFail) throw new Error('no timer can be armed (test double)');
      return fixture.clock.at(when, fn);
    },
  };
  const bench = protocolApps({ runtime, clock: fixture.clock, sessionClock, mac, port });
  apps = bench.apps;
  sent = bench.agent.sent;
});
afterEach(async () => {
  await apps.shutdown();
  await fixture.close();
});

describe('a protocol-application session stored open', () => {
  it('is ended (error) and its port freed when its connection cannot start', async () => {
    const appId = await assigned({ name: 'SSH', type: 'tcp', devicePort: 22 });
    const closed = storedEvent(fixture.store, { eventTypes: ['ForwardClosed'] }, 3000);
    timersFail = true;
    await expect(apps.connect(appId, mac, 'acme', admin)).rejects.toMatchObject({ code: 'internal' });
    timersFail = false;
    expect(await closed).toMatchObject({ data: { cause: 'error' } });
    await eventually(`port ${port} free`, 2000, async () => ((await tcpFree(port)) ? true : undefined));
    await expect(apps.connect(appId, mac, 'acme', admin)).resolves.toMatchObject({ port });
  });

  it('lets its port go when its end cannot be stored, and has the end recorded once the store takes it', async () => {
    const appId = await assigned({ name: 'SSH', type: 'tcp', devicePort: 22 });
    const { sessions } = await apps.connect(appId, mac, 'acme', admin);
    const [sessionId = ''] = sessions;
    store.failNext('forward-');
    await apps.disconnect(appId, mac, admin);
    expect(await closedTypes(sessionId)).toEqual([]);
    expect(await tcpFree(port)).toBe(true);

    const closed = storedEvent(fixture.store, { eventTypes: ['ForwardClosed'] }, 3000);
    fixture.clock.advance(endRetryMs);
    expect(await closed).toMatchObject({ stream: `forward-${sessionId}`, data: { cause: 'deleted' } });
  });

  it('of a dtt-reverse mapping whose end cannot be stored: every mapping ends, each end recorded', async () => {
    const appId = await assigned({
      name: 'Tickets',
      type: 'dtt-reverse',
      targetEndpoint: 'hub',
      targetHost: 'localhost',
      portMappings: [
        { devicePort: 8080, targetPort: 9 },
        { devicePort: 8081, targetPort: 9 },
      ],
    });
    const { sessions } = await apps.connect(appId, mac, 'acme', admin);
    store.failNext('forward-');
    await apps.disconnect(appId, mac, admin);
    expect(sent.filter((message) => message.type === 'reverse-unlisten')).toHaveLength(2);

    fixture.clock.advance(endRetryMs);
    await eventually('every mapping recorded ended', 3000, async () => {
      const ends = await Promise.all(sessions.map(closedTypes));
      return ends.every((causes) => causes.length === 1 && causes[0] === 'deleted') ? true : undefined;
    });
  });
});
