// Proxy profiles through the API with real sockets (seeds/proxies.txt): the admin's alone, an
// immutable id, the enabled switch opening and closing the port live, edits applied without a
// restart, removal (one or many) closing the port and the live connections with cause
// `deleted`, and every connection a session with exact byte counts.
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../e2e/tether-process.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { closedSessions, echoServer, exchange, portOutside, refused, sessionsWhere, socketClosed } from './forward-fixture.js';
import type { EchoServer } from './forward-fixture.js';
import { linkedTenant, startLinkedHub } from './linked-hub.js';
import type { LinkedHub } from './linked-hub.js';

const linkPorts = { from: 41000, to: 41999 };
let hub: LinkedHub;
let tenantAdmin: string;
let auditor: string;
let echo: EchoServer;
let pluginEcho: EchoServer;

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, token = hub.admin) =>
  hub.call({ method, url: `/api/v1${url}`, token, ...(payload === undefined ? {} : { payload }) });

const hostProxy = (id: string, sourcePort: number, targetPort: number, extra: object = {}) => ({
  id,
  name: `Proxy ${id}`,
  protocol: 'tcp',
  sourcePort,
  target: { type: 'host', address: '127.0.0.1', port: targetPort },
  ...extra,
});

async function created(body: Record<string, unknown>): Promise<void> {
  const response = await call('POST', '/proxies', body);
  expect(response.statusCode, response.body).toBe(201);
}

/** A connection through the proxy that has carried one round trip: its stream is spliced and live. */
async function liveConnection(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('ping');
  await once(socket, 'data');
  return socket;
}

const openSessionsOf = async (proxyId: string) => (await sessionsWhere(hub, hub.admin, 'kind=proxy&state=open')).filter((s) => s.proxyId === proxyId);

beforeAll(async () => {
  pluginEcho = await echoServer('plugin:');
  hub = await startLinkedHub({ plugins: new Map([['echo-plugin', { host: '127.0.0.1', ports: [pluginEcho.port] }]]) });
  tenantAdmin = await hub.tenantToken(linkedTenant, `${linkedTenant}-password`);
  await createAuditor(hub, hub.admin, 'proxy-auditor');
  auditor = await auditorToken(hub, 'proxy-auditor');
  echo = await echoServer();
});

afterAll(async () => {
  await hub.close();
  await echo.close();
  await pluginEcho.close();
});

describe('proxy profiles', () => {
  it('refuse bad input with a clear 4xx naming the field, and append nothing', async () => {
    const port = await portOutside(linkPorts);
    const head = await hub.head();
    const cases: [object, number, string[]][] = [
      [{ ...hostProxy('bad id!', port, echo.port) }, 400, ['body.id']],
      // Letters and digits only may start it: the store names the stream proxy-<id>.
      [{ ...hostProxy('-leading-dash', port, echo.port) }, 400, ['body.id']],
      [{ ...hostProxy('ok', port, echo.port), sourcePort: 70000 }, 400, ['body.sourcePort']],
      [{ ...hostProxy('ok', port, echo.port), protocol: 'sctp' }, 400, ['body.protocol']],
      [{ ...hostProxy('ok', port, echo.port), target: { type: 'host', address: '127.0.0.1' } }, 400, ['body.target.port']],
      [{ ...hostProxy('ok', port, echo.port), protocol: 'udp', target: { type: 'host', address: '127.0.0.1', port: 1, tls: {} } }, 400, ['body.target.tls']],
      [{ ...hostProxy('ok', 41500, echo.port) }, 400, ['body.sourcePort']],
      [{ ...hostProxy('ok', port, echo.port), target: { type: 'plugin', plugin: 'grafana', port: 3000 } }, 400, ['body.target.plugin']],
      [{ ...hostProxy('ok', port, echo.port), target: { type: 'plugin', plugin: 'echo-plugin', port: 1 } }, 400, ['body.target.port']],
      [
        { ...hostProxy('ok', port, echo.port), protocol: 'tcp-over-device', target: { tenant: 'other', device: '00:11:22:AA:BB:C1', address: '127.0.0.1', port: 1 } },
        400,
        ['body.target.device'],
      ],
    ];
    for (const [body, status, details] of cases) {
      const response = await call('POST', '/proxies', body);
      expect(response.statusCode, response.body).toBe(status);
      const error = (response.json() as { error: { code: string; message: string; details: string[] } }).error;
      expect(error.details, error.message).toEqual(details);
    }
    expect((await call('POST', '/proxies/-leading-dash/enable')).statusCode).toBe(404);
    const inRange = await call('POST', '/proxies', hostProxy('ok', 41500, echo.port));
    expect((inRange.json() as { error: { message: string } }).error.message).toMatch(/DeviceLink port range 41000-41999/);
    expect(await hub.head()).toBe(head);
    expect(await refused(port)).toBe(true);
  });

  it('are the admin’s alone: tenant-admins and auditors get 403, and nothing is appended', async () => {
    const port = await portOutside(linkPorts);
    await created(hostProxy('admins-only', port, echo.port));
    const head = await hub.head();
    for (const token of [tenantAdmin, auditor]) {
      const attempts = [
        call('GET', '/proxies', undefined, token),
        call('GET', '/proxies/admins-only', undefined, token),
        call('POST', '/proxies', hostProxy('mine', port + 1, echo.port), token),
        call('PUT', '/proxies/admins-only', hostProxy('admins-only', port, echo.port), token),
        call('POST', '/proxies/admins-only/disable', {}, token),
        call('DELETE', '/proxies/admins-only', undefined, token),
        call('POST', '/proxies/remove', { ids: ['admins-only'] }, token),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.statusCode, response.body).toBe(403);
        expect((response.json() as { error: { code: string } }).error.code).toBe('forbidden');
      }
    }
    expect(await hub.head()).toBe(head);
    expect(hub.hub.forwards.proxies.isListening('admins-only')).toBe(true);
  });

  it('refuse a source port held by another program or another profile (409), appending nothing', async () => {
    const blocker = createServer();
    const port = await portOutside(linkPorts);
    blocker.listen(port, '127.0.0.1');
    await once(blocker, 'listening');
    const head = await hub.head();
    const taken = await call('POST', '/proxies', hostProxy('blocked', port, echo.port));
    expect(taken.statusCode, taken.body).toBe(409);
    expect((taken.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'port_in_use', message: expect.stringMatching(/in use by another program/) });
    blocker.close();
    const other = await portOutside(linkPorts);
    await created(hostProxy('first', other, echo.port, { enabled: false }));
    const afterFirst = await hub.head();
    const duplicate = await call('POST', '/proxies', hostProxy('second', other, echo.port));
    expect(duplicate.statusCode).toBe(409);
    expect((duplicate.json() as { error: { message: string } }).error.message).toMatch(/source port of proxy first/);
    expect(afterFirst).toBeGreaterThan(head);
    expect(await hub.head()).toBe(afterFirst);
  });

  it('carry a TCP connection to a host, recorded as a session with exact bytes, the client, and the proxy id', async () => {
    const port = await portOutside(linkPorts);
    await created(hostProxy('echo', port, echo.port));
    const before = echo.totals();
    const payload = Buffer.alloc(300_000, 7);
    const answer = await exchange(port, payload);
    expect(answer.equals(payload)).toBe(true);
    const [session] = await closedSessions(hub, hub.admin, 'kind=proxy', (s) => s.proxyId === 'echo');
    await eventually('the echo socket closed', 5000, async () => (echo.sockets.every((s) => s.destroyed) ? true : undefined));
    const after = echo.totals();
    expect(session).toMatchObject({
      kind: 'proxy',
      proxyId: 'echo',
      mode: 'tcp',
      target: `127.0.0.1:${echo.port}`,
      port,
      userIP: '127.0.0.1',
      clientIP: '127.0.0.1',
      terminationCause: 'client-closed',
      bytesToDevice: after.read - before.read,
      bytesFromDevice: after.written - before.written,
      bytesTransferred: 2 * payload.length,
      streams: 1,
    });
  });

  it('target a plugin of the hub configuration by name', async () => {
    const port = await portOutside(linkPorts);
    await created({ ...hostProxy('plugin', port, 0), target: { type: 'plugin', plugin: 'echo-plugin', port: pluginEcho.port } });
    expect((await exchange(port, 'hi')).toString()).toBe('plugin:hi');
  });

  it('never change their id: an edit naming another id is refused and the profile stays', async () => {
    const port = await portOutside(linkPorts);
    await created(hostProxy('fixed', port, echo.port));
    const head = await hub.head();
    const renamed = await call('PUT', '/proxies/fixed', hostProxy('renamed', port, echo.port));
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json()).toMatchObject({ error: { code: 'validation_failed', details: ['body.id'], message: expect.stringMatching(/cannot change/) } });
    expect(await hub.head()).toBe(head);
    expect((await call('GET', '/proxies/renamed')).statusCode).toBe(404);
    expect((await call('GET', '/proxies/fixed')).json()).toMatchObject({ id: 'fixed', sourcePort: port });
  });

  it('open and close the source port live with the enabled switch; the profile and live connections stay', async () => {
    const port = await portOutside(linkPorts);
    await created(hostProxy('switch', port, echo.port));
    const live = await liveConnection(port);
    const disabled = await call('POST', '/proxies/switch/disable', {});
    expect(disabled.json()).toMatchObject({ id: 'switch', enabled: false });
    expect(await refused(port)).toBe(true);
    live.write('still');
    const [echoed] = (await once(live, 'data')) as [Buffer];
    expect(echoed.toString()).toBe('still');
    expect((await call('GET', '/proxies/switch')).json()).toMatchObject({ enabled: false });
    const enabled = await call('POST', '/proxies/switch/enable', {});
    expect(enabled.json()).toMatchObject({ enabled: true });
    expect((await exchange(port, 'back')).toString()).toBe('back');
    live.end();
  });

  it('apply an edit at once: new connections go to the new target, then to the new port', async () => {
    const a = await echoServer('A:');
    const b = await echoServer('B:');
    const first = await portOutside(linkPorts);
    await created(hostProxy('edited', first, a.port));
    expect((await exchange(first, 'x')).toString()).toBe('A:x');
    const toB = await call('PUT', '/proxies/edited', hostProxy('edited', first, b.port));
    expect(toB.statusCode, toB.body).toBe(200);
    expect((await exchange(first, 'y')).toString()).toBe('B:y');
    const second = await portOutside(linkPorts);
    const moved = await call('PUT', '/proxies/edited', { ...hostProxy('edited', second, b.port), id: undefined });
    expect(moved.json()).toMatchObject({ id: 'edited', sourcePort: second });
    expect(await refused(first)).toBe(true);
    expect((await exchange(second, 'z')).toString()).toBe('B:z');
    await a.close();
    await b.close();
  });

  it('when removed, close the port and end the live connections with cause deleted', async () => {
    const port = await portOutside(linkPorts);
    await created(hostProxy('doomed', port, echo.port));
    const live = await liveConnection(port);
    await eventually('the session open', 5000, async () => ((await openSessionsOf('doomed')).length === 1 ? true : undefined));
    const closed = socketClosed(live);
    expect((await call('DELETE', '/proxies/doomed')).statusCode).toBe(204);
    await closed;
    expect(await refused(port)).toBe(true);
    expect((await call('GET', '/proxies/doomed')).statusCode).toBe(404);
    const [session] = await closedSessions(hub, hub.admin, 'kind=proxy&cause=deleted', (s) => s.proxyId === 'doomed');
    expect(session).toMatchObject({ terminationCause: 'deleted', bytesToDevice: 4, bytesFromDevice: 4 });
  });

  it('remove many at once, or none when one of them is unknown', async () => {
    const p = await portOutside(linkPorts);
    const q = await portOutside(linkPorts);
    await created(hostProxy('many-p', p, echo.port));
    await created(hostProxy('many-q', q, echo.port, { enabled: false }));
    const live = await liveConnection(p);
    const head = await hub.head();
    const partial = await call('POST', '/proxies/remove', { ids: ['many-p', 'many-q', 'nope'] });
    expect(partial.statusCode).toBe(404);
    expect(partial.json()).toMatchObject({ error: { code: 'not_found', details: ['nope'] } });
    expect(await hub.head()).toBe(head);
    const closed = socketClosed(live);
    expect((await call('POST', '/proxies/remove', { ids: ['many-p', 'many-q'] })).statusCode).toBe(204);
    await closed;
    expect(await refused(p)).toBe(true);
    const listed = (await call('GET', '/proxies')).json() as { items: { id: string }[] };
    expect(listed.items.map((item) => item.id)).not.toContain('many-p');
    expect(listed.items.map((item) => item.id)).not.toContain('many-q');
  });
});
