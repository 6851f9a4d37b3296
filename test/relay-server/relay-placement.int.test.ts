// Where sessions go: only to a reporting, approved relay with room, least loaded first (the
// hub here carries none itself); a relay asked for by name that cannot take it says why; a lost
// relay's sessions end with cause relay-lost, and it takes sessions again once it is back.
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayHandle } from '../../relay-server/relay.js';
import { startLinkedHub } from '../api/linked-hub.js';
import type { LinkedHub, LinkResponse } from '../api/linked-hub.js';
import { relayToken, startTestRelay } from './relay-fixture.js';

const joinSecret = 'placement-join-secret';
let t: LinkedHub;
let devicePort: number;
let server: net.Server;
const relays: RelayHandle[] = [];
const r1Token = relayToken();

async function open(body: object = {}): Promise<{ status: number; body: LinkResponse & { relay?: string } }> {
  return t.openLink({ protocol: 'tcp', devicePort, ...body });
}

/** Resolves once the read models show session `id` closed. */
function sessionClosed(id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`session ${id} not closed within 10 s`));
    }, 10_000);
    const stop = t.hub.readModels.onChange((change) => {
      const payload = change.payload as { id?: string; state?: string };
      if (change.name !== 'session.changed' || payload.id !== id || payload.state !== 'closed') return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

async function relay(name: string, overrides: Parameters<typeof startTestRelay>[2]): Promise<RelayHandle> {
  const started = await startTestRelay(t.url, name, overrides);
  relays.push(started);
  return started;
}

beforeAll(async () => {
  t = await startLinkedHub({ relays: { localRelay: false, joinSecret } });
  server = net.createServer((socket) => socket.on('error', () => undefined).pipe(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  devicePort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const started of relays) await started.stop();
  server.close();
  await t.close();
});

describe('placement', () => {
  it('refuses a session when no relay can take it, the hub carrying none itself', async () => {
    expect(await open()).toMatchObject({ status: 503, body: { error: { code: 'no_relay_available' } } });
    expect(await open({ relay: 'hub' })).toMatchObject({ status: 409, body: { error: { code: 'relay_offline' } } });
    expect(await open({ relay: 'nope' })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('gives a registered relay no session until an admin approves it', async () => {
    const r1 = await relay('r1', { token: r1Token, maxSessions: 2 });
    expect(r1.links.size).toBe(0);
    expect(await open()).toMatchObject({ status: 503, body: { error: { code: 'no_relay_available' } } });
    expect(await open({ relay: 'r1' })).toMatchObject({ status: 409, body: { error: { code: 'transition_forbidden' } } });
    const approved = await t.call({ method: 'POST', url: '/api/v1/relays/r1/approve', token: t.admin });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await open()).toMatchObject({ status: 201, body: { relay: 'r1' } });
  });

  it('spreads sessions least loaded first and never past a relay\'s maxSessions', async () => {
    await relay('r2', { joinSecret, maxSessions: 1, linkPorts: { from: 45000, to: 45999 } });
    expect(await open()).toMatchObject({ status: 201, body: { relay: 'r2' } });
    expect(await open()).toMatchObject({ status: 201, body: { relay: 'r1' } });
    expect(await open()).toMatchObject({ status: 503, body: { error: { code: 'no_relay_available' } } });
    expect(await open({ relay: 'r2' })).toMatchObject({ status: 503, body: { error: { code: 'no_relay_available' } } });
    const listed = (await t.call({ method: 'GET', url: '/api/v1/relays', token: t.admin })).json() as { items: { name: string; liveSessions: number }[] };
    expect(listed.items.map(({ name, liveSessions }) => ({ name, liveSessions }))).toEqual([
      { name: 'r1', liveSessions: 2 },
      { name: 'r2', liveSessions: 1 },
    ]);
  });

  it('ends a lost relay\'s sessions with cause relay-lost, and places on it again once it is back', async () => {
    const r2 = relays[1];
    if (r2 === undefined) throw new Error('r2 is not running');
    const sessions = await t.call({ method: 'GET', url: '/api/v1/sessions?relay=r2&state=open', token: t.admin });
    const [lost] = (sessions.json() as { items: { id: string }[] }).items;
    if (lost === undefined) throw new Error('no open session on r2');
    const back = once(r2.events, 'channel-open', { signal: AbortSignal.timeout(10_000) });
    const ended = sessionClosed(lost.id);
    t.hub.tunnels.dropRelay('r2', 'a test cuts it off');
    await Promise.all([back, ended]);
    const session = await t.session(lost.id);
    expect(session).toMatchObject({ state: 'closed', terminationCause: 'relay-lost', relay: 'r2' });
    expect(r2.links.size).toBe(0);
    expect(await open()).toMatchObject({ status: 201, body: { relay: 'r2' } });
  });

  it("fails a session asked on a relay that unregistered: it is not reporting", async () => {
    const reply = await t.call({
      method: 'POST',
      url: '/remote/rsstatus',
      payload: { type: 'unregister', name: 'r1', hostName: '127.0.0.1', token: r1Token },
    });
    expect(reply.json()).toMatchObject({ result: 'SUCCESS', reason: 'unregistered' });
    const { body } = await t.call({ method: 'GET', url: '/api/v1/sessions?relay=r1&state=open', token: t.admin }).then((r) => ({ body: r.json() as { items: { id: string }[] } }));
    const [first] = body.items;
    if (first === undefined) throw new Error('no open session on r1');
    const answer = await open({ relay: 'r1' });
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'relay_offline' } } });
    expect(answer.body.error?.message).toContain('not reporting');
    // Its live sessions go on: the relay is still connected.
    expect((await t.session(first.id)).state).toBe('open');
  });
});
