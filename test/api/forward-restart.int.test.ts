// The life of proxy sessions across time and restarts: totals recorded at a bounded rate while
// a session is open (by the injected clock), every live session ended by the hub's shutdown,
// and at start-up the sessions a crashed run left open recorded as ended, the enabled proxies
// listening again.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub, HubConfig } from '../../api/hub.js';
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import { systemPrincipal } from '../../domain/principal.js';
import { eventually } from '../e2e/tether-process.js';
import { ManualClock } from '../support/manual-clock.js';
import { closedSessions, echoServer, exchange, portOutside, sessionsWhere, socketClosed } from './forward-fixture.js';
import type { EchoServer } from './forward-fixture.js';
import { adminPassword, startTestHub, tokenSecret } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const linkPorts = { from: 41000, to: 41999 };
let echo: EchoServer;

beforeAll(async () => {
  echo = await echoServer();
});

afterAll(async () => {
  await echo.close();
});

const proxyBody = (id: string, sourcePort: number) => ({ id, name: id, protocol: 'tcp', sourcePort, target: { type: 'host', address: '127.0.0.1', port: echo.port } });

describe('a live proxy session', () => {
  let t: TestHub;
  let admin: string;

  beforeAll(async () => {
    t = await startTestHub({ deviceLink: { ports: linkPorts, bindAddress: '127.0.0.1' }, linkProgressIntervalMs: 5000 });
    admin = await t.adminToken();
  });
  afterAll(async () => t.close());

  it('has its totals recorded while open, at the progress interval, and is ended by the hub’s shutdown', async () => {
    const port = await portOutside(linkPorts);
    expect((await t.call({ method: 'POST', url: '/api/v1/proxies', token: admin, payload: proxyBody('progress', port) })).statusCode).toBe(201);
    const live = connect({ port, host: '127.0.0.1' });
    live.on('error', () => undefined);
    await once(live, 'connect');
    live.write('x'.repeat(1000));
    let echoed = 0;
    live.on('data', (chunk: Buffer) => (echoed += chunk.length));
    await eventually('the echo back', 5000, async () => (echoed === 1000 ? true : undefined));
    const open = async () => (await sessionsWhere(t, admin, 'kind=proxy&state=open')).find((s) => s.proxyId === 'progress');
    expect((await eventually('the session open', 5000, open)).bytesTransferred).toBe(0);
    t.clock.advance(5000);
    expect(await eventually('the totals recorded', 5000, async () => ((await open())?.bytesTransferred === 2000 ? true : undefined))).toBe(true);

    await t.hub.forwards.shutdown();
    await socketClosed(live);
    const [ended] = await closedSessions(t, admin, 'kind=proxy', (s) => s.proxyId === 'progress');
    expect(ended).toMatchObject({ terminationCause: 'hub-shutdown', bytesToDevice: 1000, bytesFromDevice: 1000 });
  });
});

describe('a restart', () => {
  it('records the sessions a crashed run left open as ended, and opens the enabled proxies again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-forward-restart-'));
    const config: HubConfig = {
      dataDir,
      nodeId: 'n1',
      tokenSecret,
      adminPassword,
      clock: new ManualClock(),
      logLevel: 'silent',
      deviceLink: { ports: linkPorts, bindAddress: '127.0.0.1' },
    };
    const port = await portOutside(linkPorts);
    const sessionId = randomUUID();
    let hub: Hub = await buildHub(config);
    try {
      const login = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
      const admin = login.json<{ token: string }>().token;
      const created = await hub.app.inject({ method: 'POST', url: '/api/v1/proxies', headers: { authorization: `Bearer ${admin}` }, payload: proxyBody('kept', port) });
      expect(created.statusCode, created.body).toBe(201);
      // As a run that crashed mid-session leaves it: opened by this node, never closed.
      await hub.runtime.execute(
        forwardAggregate,
        sessionId,
        { type: 'OpenForward', sessionId, kind: 'proxy', sourceId: 'kept', mode: 'tcp', transport: 'tcp', target: { host: '127.0.0.1', port: echo.port }, relay: 'hub', node: 'n1', port },
        { principal: systemPrincipal },
      );
      await hub.close();

      hub = await buildHub(config);
      const { state } = await hub.runtime.load(forwardAggregate, sessionId);
      expect(state.value).toBe('closed');
      expect(state.context.cause).toBe('hub-shutdown');
      expect(hub.forwards.proxies.isListening('kept')).toBe(true);
      expect((await exchange(port, 'back again')).toString()).toBe('back again');
    } finally {
      await hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
