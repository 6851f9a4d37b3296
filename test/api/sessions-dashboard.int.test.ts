// session.changed over socket.io /dashboard, with real clients on a real port: each change of
// a session reaches admins, auditors of its tenant and the rooms of the tenants that may see
// it, and no one else; a `sessions` snapshot holds the open sessions the client may see.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardMessage } from '../../api/dashboard.js';
import { TunnelCommands } from '../support/tunnel-commands.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { DashboardClient } from './dashboard-client.js';
import type { Received } from './dashboard-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface SessionPayload {
  readonly id: string;
  readonly tenantId: string;
  readonly state: string;
  readonly bytesTransferred: number;
}

const sessionOf = (received: Received): SessionPayload | undefined =>
  received.event === 'session.changed' ? ((received.message as DashboardMessage).payload as SessionPayload) : undefined;

describe('session.changed on the dashboard', () => {
  let t: TestHub;
  let url: string;
  let links: TunnelCommands;
  const clients: DashboardClient[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub();
    await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.hub.app.server.address() as AddressInfo).port}/dashboard`;
    links = new TunnelCommands(t.hub.runtime, (position) => t.hub.readModels.waitFor(position, 5000));
    tokens.admin = await t.adminToken();
    for (const id of ['acme', 'globex', 'initech']) await t.createTenant(tokens.admin, id);
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/globex/grants/acme', token: tokens.admin })).statusCode).toBe(200);
    for (const id of ['acme', 'globex', 'initech']) tokens[id] = await t.tenantToken(id, `${id}-password`);
    await createAuditor(t, tokens.admin, 'initech-auditor', ['initech']);
    tokens.auditor = await auditorToken(t, 'initech-auditor');
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await t.close();
  });

  async function dashboard(token: string): Promise<DashboardClient> {
    const client = await DashboardClient.connect(url, token);
    clients.push(client);
    return client;
  }

  const seen = (client: DashboardClient, id: string, state: string): Promise<Received> =>
    client.waitFor(`session ${id} ${state}`, (received) => sessionOf(received)?.id === id && sessionOf(received)?.state === state);

  it('sends a session to admins and the tenants that may see it, never to others', async () => {
    const [admin, acme, globex, initech, auditor] = await Promise.all(
      ['admin', 'acme', 'globex', 'initech', 'auditor'].map((name) => dashboard(tokens[name] ?? '')),
    );
    if (admin === undefined || acme === undefined || globex === undefined || initech === undefined || auditor === undefined) {
      throw new Error('a dashboard did not connect');
    }
    for (const client of [admin, acme, globex, initech, auditor]) expect(await client.subscribe({ models: ['sessions'] })).toMatchObject({ ok: true });
    const acmeLink = await links.open({ tenantId: 'acme' });
    await Promise.all([admin, acme, globex].map((client) => seen(client, acmeLink, 'open')));
    await links.traffic(acmeLink, 10, 20);
    await links.close(acmeLink, 'deleted', 10, 30);
    const closed = await Promise.all([admin, acme, globex].map((client) => seen(client, acmeLink, 'closed')));
    expect(closed.map((received) => sessionOf(received)?.bytesTransferred)).toEqual([40, 40, 40]);
    const position = closed[0]?.message.position ?? 0;
    expect(closed.every((received) => received.message.position === position)).toBe(true);

    // A later change of initech reaches initech's dashboards after everything before it: by
    // then, acme's session would have arrived had it been sent.
    const initechLink = await links.open({ tenantId: 'initech' });
    await Promise.all([admin, initech, auditor].map((client) => seen(client, initechLink, 'open')));
    for (const client of [initech, auditor]) {
      expect(client.received.map(sessionOf).filter((session) => session?.id === acmeLink)).toEqual([]);
    }
    for (const client of [acme, globex]) {
      expect(client.received.map(sessionOf).filter((session) => session?.id === initechLink)).toEqual([]);
    }
    await links.close(initechLink, 'client-closed');
  });

  it('snapshots the open sessions within the subscriber scope, then follows their changes', async () => {
    const openAcme = await links.open({ tenantId: 'acme' });
    const openInitech = await links.open({ tenantId: 'initech' });
    const closedAcme = await links.open({ tenantId: 'acme' });
    await links.close(closedAcme, 'device-offline');

    const globex = await dashboard(tokens.globex ?? '');
    const ack = await globex.subscribe({ models: ['sessions'] });
    expect(ack).toMatchObject({ ok: true, tenants: ['acme', 'globex'] });
    const [snapshot] = globex.snapshots();
    expect(snapshot).toMatchObject({ model: 'sessions', part: 0, last: true, tenants: null });
    expect((snapshot?.items as SessionPayload[]).map((item) => item.id)).toEqual([openAcme]);

    const admin = await dashboard(tokens.admin ?? '');
    await admin.subscribe({ models: ['sessions'] });
    const adminIds = (admin.snapshots()[0]?.items as SessionPayload[]).map((item) => item.id);
    expect(adminIds.sort()).toEqual([openInitech, openAcme].sort());

    const from = globex.received.length;
    await links.close(openAcme, 'deleted');
    const change = await globex.waitFor('the close', (received) => sessionOf(received)?.id === openAcme, from);
    expect(sessionOf(change)).toMatchObject({ state: 'closed' });
    expect(change.message.position).toBeGreaterThan(ack.ok ? ack.position : Infinity);
    await links.close(openInitech, 'deleted');
  });
});
