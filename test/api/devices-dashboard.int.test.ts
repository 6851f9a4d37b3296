// device.changed over socket.io /dashboard, with real clients on a real port: each change
// reaches admins and the rooms of the tenants that may see the device, and no one else.
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devices } from './devices-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface Message {
  readonly position: number;
  readonly payload: { readonly mac: string; readonly tenant: string | null; readonly state: string };
}

interface Dashboard {
  readonly socket: Socket;
  readonly received: Message[];
}

describe('device.changed on the dashboard', () => {
  let t: TestHub;
  let url: string;
  let devices: Devices;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.hub.app.server.address() as AddressInfo).port}/dashboard`;
    devices = new Devices(t.hub);
  });
  afterAll(async () => {
    await t.close();
    sockets.forEach((socket) => socket.close());
  });

  async function dashboard(token: string): Promise<Dashboard> {
    const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const received: Message[] = [];
    socket.on('device.changed', (message: Message) => received.push(message));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    expect(await socket.timeout(5000).emitWithAck('subscribe', { models: ['devices'] })).toMatchObject({ ok: true });
    return { socket, received };
  }

  /** The next device.changed for this MAC in this state. */
  function next(socket: Socket, mac: string, state: string, timeoutMs = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no device.changed for ${mac} (${state}) within ${timeoutMs} ms`)), timeoutMs);
      const listener = (message: Message): void => {
        if (message.payload.mac !== mac || message.payload.state !== state) return;
        clearTimeout(timer);
        socket.off('device.changed', listener);
        resolve(message);
      };
      socket.on('device.changed', listener);
    });
  }

  it('sends a device to admins and to the tenants that may see it; unassigned ones to admins only', async () => {
    const admin = await t.adminToken();
    for (const id of ['acme', 'globex', 'initech']) await t.createTenant(admin, id);
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/globex/grants/acme', token: admin })).statusCode).toBe(200);

    const admins = await dashboard(admin);
    const acme = await dashboard(await t.tenantToken('acme', 'acme-password'));
    const globex = await dashboard(await t.tenantToken('globex', 'globex-password'));
    const initech = await dashboard(await t.tenantToken('initech', 'initech-password'));

    // A device that said hello for the first time: unassigned, for admins only.
    const unassignedSeen = next(admins.socket, '00:11:22:00:00:AA', 'unassigned');
    await devices.connect('00:11:22:00:00:AA', false);
    expect((await unassignedSeen).payload).toMatchObject({ tenant: null });

    // Assigned to acme: acme and globex (granted acme) hear of it, initech does not.
    const assignedSeen = Promise.all([admins, acme, globex].map((d) => next(d.socket, '00:11:22:00:00:AA', 'online')));
    await devices.assign('00:11:22:00:00:AA', 'acme');
    const messages = await assignedSeen;
    const position = await t.head();
    messages.forEach((message) => expect(message).toMatchObject({ position, payload: { tenant: 'acme', state: 'online' } }));

    // Each socket gets events in position order: once initech hears of its own later device,
    // it would already have heard of acme's, had it been sent to it.
    const initechSeen = next(initech.socket, '00:11:22:00:00:BB', 'online');
    await devices.connect('00:11:22:00:00:BB', false);
    await devices.assign('00:11:22:00:00:BB', 'initech');
    await initechSeen;
    const macs = (d: Dashboard): string[] => [...new Set(d.received.map((m) => m.payload.mac))];
    expect(macs(initech)).toEqual(['00:11:22:00:00:BB']);
    expect(initech.received.every((m) => m.payload.tenant === 'initech')).toBe(true);
    expect(macs(acme)).toEqual(['00:11:22:00:00:AA']);
    expect(acme.received.map((m) => m.payload.state)).toEqual(['online']);
    expect(macs(globex)).toEqual(['00:11:22:00:00:AA']);
    expect(macs(admins)).toEqual(['00:11:22:00:00:AA', '00:11:22:00:00:BB']);
  });

  it('sends the name, site and categories an admin set', async () => {
    const admin = await t.adminToken();
    await t.createTenant(admin, 'umbrella');
    await devices.connect('00:11:22:00:00:CC', false);
    await devices.assign('00:11:22:00:00:CC', 'umbrella');
    const tenantAdmin = await dashboard(await t.tenantToken('umbrella', 'umbrella-password'));
    const seen = new Promise<Message>((resolve) => {
      tenantAdmin.socket.on('device.changed', (message: Message) => {
        if (message.payload.mac === '00:11:22:00:00:CC' && 'name' in message.payload && message.payload.name === 'PC m01') resolve(message);
      });
    });
    const payload = { name: 'PC m01', site: 'Berlin', categories: ['lab'] };
    expect((await t.call({ method: 'PATCH', url: '/api/v1/devices/00:11:22:00:00:CC', token: admin, payload })).statusCode).toBe(200);
    const message = await Promise.race([seen, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no device.changed with the name')), 5000))]);
    expect(message.payload).toMatchObject({ name: 'PC m01', site: 'Berlin', adminCategories: ['lab'], tenant: 'umbrella' });
  });
});
