// Three hubs in one process on one data directory, each binding its ports on its own loopback
// address (127.0.0.1/.2/.3, as --link-bind would on three machines). A proxy profile created,
// edited, disabled, enabled or removed through any hub opens, moves or closes its source port on
// every hub within 1 s; a protocol application deleted or unassigned through another hub ends
// the connection the device's hub holds.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import { buildHub } from '../../api/hub.js';
import type { Hub } from '../../api/hub.js';
import { eventually } from '../e2e/tether-process.js';
import { echoServer, portOutside } from './forward-fixture.js';
import type { EchoServer } from './forward-fixture.js';
import { listen } from './gateway-client.js';
import { adminPassword, clusterNodeConfig } from './hub-harness.js';

const mac = '00:11:22:AA:BB:F7';
const linkPorts = { from: 44300, to: 44339 };
/** How soon every hub acts on a change made through another. */
const withinMs = 1000;

interface Node {
  readonly hub: Hub;
  readonly address: string;
  readonly logs: string[];
}

let dir: string;
let nodes: readonly [Node, Node, Node];
/** A fourth hub on hub A's address, as two hubs on one machine that share it (started by the test that needs it). */
let sharing: Node | undefined;
let echo: EchoServer;
let agent: AgentHandle | undefined;
let admin: string;

async function node(nodeId: string, address: string, offset: number): Promise<Node> {
  const logs: string[] = [];
  const hub = await buildHub({
    ...clusterNodeConfig(dir, nodeId, address, { from: linkPorts.from + offset, to: linkPorts.from + offset + 9 }),
    logLevel: 'warn',
    logStream: { write: (line: string) => void logs.push(line) },
  });
  return { hub, address, logs };
}

async function call(on: Node, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, token = admin): Promise<{ statusCode: number; body: string }> {
  return on.hub.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
}

function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: address });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until every hub's address accepts on `port` (or refuses, `open` false). */
async function everyHub(port: number, open: boolean, hubs: readonly Node[] = nodes): Promise<void> {
  await eventually(`port ${port} ${open ? 'open' : 'closed'} on ${hubs.map((n) => n.address).join(', ')}`, withinMs, async () => {
    const states = await Promise.all(hubs.map((n) => accepts(n.address, port)));
    return states.every((state) => state === open) ? true : undefined;
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tether-proxy-follow-'));
  echo = await echoServer('target:');
  nodes = [await node('node-a', '127.0.0.1', 0), await node('node-b', '127.0.0.2', 10), await node('node-c', '127.0.0.3', 20)];
  const login = await nodes[0].hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
  admin = (login.json() as { token: string }).token;
});

afterAll(async () => {
  await agent?.stop();
  for (const n of [...nodes, ...(sharing === undefined ? [] : [sharing])]) await n.hub.close();
  await echo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a proxy profile changed through one hub', () => {
  it('opens, moves and closes its source port on every hub within 1 s, each hub acting once on its own changes', async () => {
    const [a, b, c] = nodes;
    const first = await portOutside(linkPorts);
    const target = { type: 'host', address: '127.0.0.1', port: echo.port };
    const created = await call(a, 'POST', '/proxies', { id: 'web', name: 'web', protocol: 'tcp', sourcePort: first, target });
    expect(created.statusCode, created.body).toBe(201);
    await everyHub(first, true);

    const second = await portOutside(linkPorts);
    const edited = await call(b, 'PUT', '/proxies/web', { id: 'web', name: 'web', protocol: 'tcp', sourcePort: second, target });
    expect(edited.statusCode, edited.body).toBe(200);
    await everyHub(second, true);
    await everyHub(first, false);

    expect((await call(a, 'POST', '/proxies/web/disable', {})).statusCode).toBe(200);
    await everyHub(second, false);

    expect((await call(c, 'POST', '/proxies/web/enable', {})).statusCode).toBe(200);
    await everyHub(second, true);

    expect((await call(b, 'DELETE', '/proxies/web')).statusCode).toBe(204);
    await everyHub(second, false);
    // Each hub bound each port once: acting again on its own change would have found the port taken.
    for (const n of nodes) expect(n.logs.filter((line) => line.includes('"proxyId"'))).toEqual([]);
  });
});

describe('two hubs on one address', () => {
  it('leave the port to the first that binds it: an edit or the switch through the other is stored, not refused', async () => {
    const [a] = nodes;
    const d = await node('node-d', '127.0.0.1', 30);
    sharing = d;
    const port = await portOutside(linkPorts);
    const profile = { id: 'shared', name: 'shared', protocol: 'tcp', sourcePort: port, target: { type: 'host', address: '127.0.0.1', port: echo.port } };
    expect((await call(a, 'POST', '/proxies', profile)).statusCode).toBe(201);
    await everyHub(port, true);
    const edited = await call(d, 'PUT', '/proxies/shared', { ...profile, name: 'shared (edited)' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await call(d, 'POST', '/proxies/shared/disable', {})).statusCode).toBe(200);
    await everyHub(port, false);
    expect((await call(d, 'DELETE', '/proxies/shared')).statusCode).toBe(204);
    // The hub that could not open the port said so.
    expect(d.logs.some((line) => line.includes('could not open the source port of an enabled proxy'))).toBe(true);
  });
});

describe('a protocol application changed through another hub', () => {
  it('has the connection the device hub holds ended (deleted) within 1 s when deleted or unassigned elsewhere', async () => {
    const [a, b, c] = nodes;
    const url = await listen(a.hub);
    expect((await call(a, 'POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-password' })).statusCode).toBe(201);
    agent = startAgent({ hub: url.replace('ws://', 'http://').replace('/gateway', ''), mac, logger: () => undefined, backoff: { baseMs: 20, maxMs: 200, random: () => 0 } });
    await once(agent.events, 'online', { signal: AbortSignal.timeout(10_000) });
    const password = once(agent.events, 'password', { signal: AbortSignal.timeout(10_000) });
    expect((await call(a, 'POST', `/devices/${mac}/assign`, { tenant: 'acme' })).statusCode).toBe(200);
    await password;

    const appsOf = async (): Promise<{ id: string; port: number }> => {
      const app = await call(a, 'POST', '/protocol-apps', { name: 'Echo', type: 'tcp', devicePort: echo.port });
      expect(app.statusCode, app.body).toBe(201);
      const id = (JSON.parse(app.body) as { id: string }).id;
      expect((await call(b, 'PUT', `/devices/${mac}/protocol-apps/${id}`, {})).statusCode).toBe(200);
      const opened = await call(a, 'POST', `/devices/${mac}/protocol-apps/${id}/connect`, {});
      expect(opened.statusCode, opened.body).toBe(201);
      return { id, port: (JSON.parse(opened.body) as { port: number }).port };
    };

    /** The cause the application's session was recorded closed with, once the read model shows it. */
    const endedAs = (appId: string): Promise<string> =>
      eventually(`the session of ${appId} closed`, 10_000, async () => {
        const listed = JSON.parse((await call(a, 'GET', '/sessions?kind=protocol-app&state=closed')).body) as { items: { appId?: string; terminationCause?: string }[] };
        return listed.items.find((session) => session.appId === appId)?.terminationCause;
      });

    const deleted = await appsOf();
    expect(await accepts(a.address, deleted.port)).toBe(true);
    expect((await call(b, 'DELETE', `/protocol-apps/${deleted.id}`)).statusCode).toBe(204);
    await everyHub(deleted.port, false, [a]);
    expect(await endedAs(deleted.id)).toBe('deleted');

    const unassigned = await appsOf();
    expect((await call(c, 'DELETE', `/devices/${mac}/protocol-apps/${unassigned.id}`)).statusCode).toBe(204);
    await everyHub(unassigned.port, false, [a]);
    expect(await endedAs(unassigned.id)).toBe('deleted');
  });
});
