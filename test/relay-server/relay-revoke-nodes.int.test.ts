// Two hubs in one process on one data directory (the multi-node stand-in for a shared store),
// and a relay's control channels to them: its token reset through one node (a stolen machine)
// or its deletion closes its channel on the other node too, the old token opens none again,
// and a relay registering anew with a new token connects.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub } from '../../api/hub.js';
import { relayChannelPath, relayNameHeader } from '../../domain/relay/channel-messages.js';
import { ManualClock } from '../support/manual-clock.js';
import { adminPassword, positionStride, tokenSecret } from '../api/hub-harness.js';

const joinSecret = 'revoke-nodes-join-secret';
const waitMs = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'tether-relay-revoke-'));
const sockets: WebSocket[] = [];
let a: Hub;
let b: Hub;
let admin: string;

const urlOf = (hub: Hub): string => `ws://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}${relayChannelPath}`;

async function register(hub: Hub, name: string, token: string): Promise<string> {
  const payload = { type: 'register', name, description: '', hostName: '127.0.0.1', port: 7070, maxSessions: 10, token, joinSecret };
  const response = await hub.app.inject({ method: 'POST', url: '/remote/rsstatus', payload });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { reason: string }).reason;
}

/** A relay's control channel to `hub`, as `tether relay` opens it: open, or the HTTP status it was refused with. */
async function channel(hub: Hub, name: string, token: string): Promise<{ socket: WebSocket; refusedWith?: number }> {
  const socket = new WebSocket(urlOf(hub), { headers: { authorization: `Bearer ${token}`, [relayNameHeader]: name }, perMessageDeflate: false });
  sockets.push(socket);
  socket.on('error', () => undefined);
  const opened = once(socket, 'open', { signal: AbortSignal.timeout(waitMs) }).then(() => undefined);
  const refused = once(socket, 'unexpected-response', { signal: AbortSignal.timeout(waitMs) }).then(([, response]) => (response as IncomingMessage).statusCode);
  const refusedWith = await Promise.race([opened, refused.catch(() => undefined)]);
  return refusedWith === undefined ? { socket } : { socket, refusedWith };
}

async function openChannel(hub: Hub, name: string, token: string): Promise<WebSocket> {
  const { socket, refusedWith } = await channel(hub, name, token);
  expect(refusedWith).toBeUndefined();
  return socket;
}

async function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  if (socket.readyState === WebSocket.CLOSED) throw new Error('the channel was closed before the test waited for it');
  const [code, reason] = (await once(socket, 'close', { signal: AbortSignal.timeout(waitMs) })) as [number, Buffer];
  return { code, reason: reason.toString() };
}

beforeAll(async () => {
  const config = { dataDir: dir, tokenSecret, adminPassword, sealKey: 'ef'.repeat(32), clock: new ManualClock(), logLevel: 'silent', positionStride, relays: { localRelay: false, joinSecret } } as const;
  a = await buildHub({ ...config, nodeId: 'node-a' });
  b = await buildHub({ ...config, nodeId: 'node-b' });
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  await b.app.listen({ port: 0, host: '127.0.0.1' });
  const login = await a.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
  admin = (login.json() as { token: string }).token;
});

afterEach(() => {
  sockets.splice(0).forEach((socket) => socket.terminate());
});

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("a relay's token reset or deletion, on every hub node", () => {
  it('closes the channel to node B when the token is reset through node A; the old token connects nowhere, a new one does', async () => {
    expect(await register(a, 'stolen-1', 'token-of-the-stolen-machine')).toBe('registered');
    const toB = await openChannel(b, 'stolen-1', 'token-of-the-stolen-machine');
    expect(b.tunnels.isRelayConnected('stolen-1')).toBe(true);

    const ending = closed(toB);
    const reset = await a.app.inject({ method: 'POST', url: '/api/v1/relays/stolen-1/reset-token', headers: { authorization: `Bearer ${admin}` } });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await ending).toEqual({ code: 4001, reason: 'the relay token was reset' });
    // B places no session on it: it holds no channel of the relay.
    expect(b.tunnels.isRelayConnected('stolen-1')).toBe(false);
    expect((await channel(b, 'stolen-1', 'token-of-the-stolen-machine')).refusedWith).toBe(401);

    expect(await register(b, 'stolen-1', 'token-of-the-new-machine')).toBe('registered');
    const renewed = await openChannel(b, 'stolen-1', 'token-of-the-new-machine');
    expect(renewed.readyState).toBe(WebSocket.OPEN);
    expect(b.tunnels.isRelayConnected('stolen-1')).toBe(true);
  });

  it('closes the channel to node A when the relay is deleted through node B', async () => {
    expect(await register(b, 'retired-1', 'token-of-retired-1')).toBe('registered');
    const toA = await openChannel(a, 'retired-1', 'token-of-retired-1');
    const toB = await openChannel(b, 'retired-1', 'token-of-retired-1');

    const endings = Promise.all([closed(toA), closed(toB)]);
    const deleted = await b.app.inject({ method: 'DELETE', url: '/api/v1/relays/retired-1', headers: { authorization: `Bearer ${admin}` } });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(await endings).toEqual([
      { code: 4001, reason: 'the relay was deleted' },
      { code: 4001, reason: 'the relay was deleted' },
    ]);
    expect(a.tunnels.isRelayConnected('retired-1')).toBe(false);
    expect((await channel(a, 'retired-1', 'token-of-retired-1')).refusedWith).toBe(401);
  });
});
