// socket.io /dashboard over a real listening port with real clients.
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface Message {
  readonly position: number;
  readonly payload: { readonly id: string; readonly grants: readonly string[] };
}

describe('dashboard', () => {
  let t: TestHub;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.hub.app.server.address() as AddressInfo).port}/dashboard`;
  });
  // Closing with dashboards still connected must not hang on their WebSockets.
  afterAll(async () => {
    await t.close();
    sockets.forEach((socket) => socket.close());
  });

  /** A client subscribed to tenants, recording every tenant.changed it receives. */
  async function dashboard(token: string): Promise<{ socket: Socket; received: Message[] }> {
    const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const received: Message[] = [];
    socket.on('tenant.changed', (message: Message) => received.push(message));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    expect(await socket.timeout(5000).emitWithAck('subscribe', { models: ['tenants'] })).toMatchObject({ ok: true });
    return { socket, received };
  }

  function next(socket: Socket, id: string, timeoutMs = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no tenant.changed for ${id} within ${timeoutMs} ms`)), timeoutMs);
      const listener = (message: Message): void => {
        if (message.payload.id !== id) return;
        clearTimeout(timer);
        socket.off('tenant.changed', listener);
        resolve(message);
      };
      socket.on('tenant.changed', listener);
    });
  }

  function refusal(auth: object): Promise<{ message: string; data?: { code?: string } }> {
    const socket = connect(url, { auth, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the handshake was accepted')));
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error));
    });
  }

  it('refuses a handshake without a valid token', async () => {
    expect((await refusal({})).data?.code).toBe('unauthenticated');
    expect((await refusal({ token: 'forged' })).data?.code).toBe('unauthenticated');
  });

  it('pushes tenant.changed to admins and to the tenant-admins that may see the tenant, only', async () => {
    const admin = await t.adminToken();
    for (const id of ['alpha', 'beta', 'gamma']) await t.createTenant(admin, id);
    const grant = await t.call({ method: 'PUT', url: '/api/v1/tenants/alpha/grants/beta', token: admin });
    expect(grant.statusCode).toBe(200);

    const admins = await dashboard(admin);
    const alpha = await dashboard(await t.tenantToken('alpha', 'alpha-password'));
    const beta = await dashboard(await t.tenantToken('beta', 'beta-password'));
    const gamma = await dashboard(await t.tenantToken('gamma', 'gamma-password'));

    const seen = Promise.all([next(admins.socket, 'beta'), next(alpha.socket, 'beta'), next(beta.socket, 'beta')]);
    const changed = await t.call({ method: 'PUT', url: '/api/v1/tenants/beta/password', token: admin, payload: { password: 'beta-new-pw' } });
    expect(changed.statusCode).toBe(200);
    const messages = await seen;
    const position = await t.head();
    messages.forEach((message) => expect(message).toMatchObject({ position, payload: { id: 'beta' } }));

    // Each socket gets events in position order: once gamma hears of its own later change,
    // it would already have heard of beta's, had it been sent to it.
    const gammaSeen = next(gamma.socket, 'gamma');
    await t.call({ method: 'PUT', url: '/api/v1/tenants/gamma/password', token: admin, payload: { password: 'gamma-new-pw' } });
    await gammaSeen;
    expect(gamma.received.map((m) => m.payload.id)).toEqual(['gamma']);
    expect(alpha.received.map((m) => m.payload.id)).toEqual(['beta']);
    expect(admins.received.map((m) => m.payload.id)).toEqual(['beta', 'gamma']);
  });
});
