// The session query API against a real hub: filters, cursor pages, the timeline, and who may
// read which session (tenant-admins their tenants and those granted to them, auditors their scope).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../domain/command-context.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';
import { TunnelCommands } from '../support/tunnel-commands.js';

interface Session {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly device: string;
  readonly tenantId: string;
  readonly relay: string;
  readonly createdTime: string;
  readonly terminationCause?: string;
  readonly requestedBy: { readonly id: string; readonly role: string };
  readonly bytesTransferred: number;
}
interface Page {
  readonly items: readonly Session[];
  readonly next: string | null;
}
interface Timeline {
  readonly id: string;
  readonly events: readonly {
    readonly type: string;
    readonly data: Record<string, unknown>;
    readonly who: { readonly id: string; readonly role: string };
    readonly ip?: string;
    readonly at: string;
    readonly revision: number;
  }[];
}

const alice: CommandContext = { principal: { id: 'alice', role: 'admin' }, ip: '198.51.100.1' };
const bob: CommandContext = { principal: { id: 'tenant-admin@acme', role: 'tenant-admin', tenant: 'acme' }, ip: '198.51.100.2' };
const gatewayContext: CommandContext = { principal: { id: 'system', role: 'system' } };

describe('session query API', () => {
  let t: TestHub;
  let admin: string;
  let acme: string;
  let globex: string;
  let initech: string;
  let auditorAll: string;
  let auditorAcme: string;
  let links: TunnelCommands;
  /** Ids by name, in the order they were opened (one second apart). */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    for (const id of ['acme', 'globex', 'initech']) await t.createTenant(admin, id);
    // globex may see acme; not the other way round.
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/globex/grants/acme', token: admin })).statusCode).toBe(200);
    acme = await t.tenantToken('acme', 'acme-password');
    globex = await t.tenantToken('globex', 'globex-password');
    initech = await t.tenantToken('initech', 'initech-password');
    await createAuditor(t, admin, 'all-seeing');
    await createAuditor(t, admin, 'acme-only', ['acme']);
    auditorAll = await auditorToken(t, 'all-seeing');
    auditorAcme = await auditorToken(t, 'acme-only');

    links = new TunnelCommands(t.hub.runtime, (position) => t.hub.readModels.waitFor(position, 5000));
    const open = async (name: string, spec: Parameters<TunnelCommands['open']>[0], context = alice): Promise<string> => {
      t.clock.advance(1000);
      ids[name] = await links.open(spec, context);
      return ids[name];
    };
    const ssh = await open('acmeSsh', { tenantId: 'acme', device: '00:11:22:00:00:01', devicePort: 22 }, bob);
    const stream = await links.attach(ssh);
    await links.openStream(ssh, stream);
    await links.closeStream(ssh, stream, 1000, 4000);
    t.clock.advance(500);
    await links.close(ssh, 'deleted', 1000, 4000, bob);
    await open('acmeUdp', { tenantId: 'acme', device: '00:11:22:00:00:02', protocol: 'udp', relay: 'relay-eu' });
    await links.close(ids.acmeUdp ?? '', 'idle-timeout', 0, 0, gatewayContext);
    await open('globexOpen', { tenantId: 'globex', device: '00:11:22:00:00:03' });
    await open('initechOpen', { tenantId: 'initech', device: '00:11:22:00:00:04' });
    await open('acmeOpen', { tenantId: 'acme', device: '00:11:22:00:00:01' }, bob);
  });
  afterAll(async () => t.close());

  async function list(query: string, token = admin): Promise<Page> {
    const response = await t.call({ method: 'GET', url: `/api/v1/sessions${query}`, token });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Page;
  }
  const names = (page: Page): string[] => page.items.map((item) => Object.keys(ids).find((name) => ids[name] === item.id) ?? item.id);
  const newestFirst = ['acmeOpen', 'initechOpen', 'globexOpen', 'acmeUdp', 'acmeSsh'];

  it('lists every session newest first for the admin, each with its record', async () => {
    const page = await list('');
    expect(names(page)).toEqual(newestFirst);
    expect(page.next).toBeNull();
    expect(page.items.find((item) => item.id === ids.acmeSsh)).toMatchObject({
      kind: 'devicelink',
      state: 'closed',
      device: '00:11:22:00:00:01',
      tenantId: 'acme',
      relay: 'hub',
      terminationCause: 'deleted',
      requestedBy: { id: 'tenant-admin@acme', role: 'tenant-admin' },
      bytesTransferred: 5000,
    });
  });

  it.each([
    ['tenant', '?tenant=acme', ['acmeOpen', 'acmeUdp', 'acmeSsh']],
    ['device, in any MAC spelling', '?device=00-11-22-00-00-01', ['acmeOpen', 'acmeSsh']],
    ['user', '?user=tenant-admin%40acme', ['acmeOpen', 'acmeSsh']],
    ['relay', '?relay=relay-eu', ['acmeUdp']],
    ['cause', '?cause=idle-timeout', ['acmeUdp']],
    ['state', '?state=open', ['acmeOpen', 'initechOpen', 'globexOpen']],
    ['kind', '?kind=devicelink', newestFirst],
    ['a time range, both ends included', '?from=2026-01-01T00:00:02.5Z&to=2026-01-01T00:00:04.500Z', ['initechOpen', 'globexOpen', 'acmeUdp']],
    ['several filters at once', '?tenant=acme&state=closed&device=001122000002', ['acmeUdp']],
  ])('filters by %s', async (_what, query, expected) => {
    expect(names(await list(query))).toEqual(expected);
  });

  it('pages with an opaque cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(`?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      seen.push(...names(page));
      expect(page.items.length).toBeLessThanOrEqual(2);
      cursor = page.next;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst);
    // A cursor keeps the filters' order too.
    const first = await list('?tenant=acme&limit=1');
    expect(names(await list(`?tenant=acme&limit=5&cursor=${first.next ?? ''}`))).toEqual(['acmeUdp', 'acmeSsh']);
  });

  it.each([
    ['a limit over 500', '?limit=501', 'query.limit'],
    ['a limit of 0', '?limit=0', 'query.limit'],
    ['a made-up cursor', '?cursor=not-a-cursor', 'query.cursor'],
    ['an unknown cause', '?cause=bored', 'query.cause'],
    ['a bad MAC', '?device=00:11', 'query.device'],
    ['a time without a zone', '?from=2026-01-01T00:00:00', 'query.from'],
    ['from after to', '?from=2026-02-01&to=2026-01-01', 'query.from'],
  ])('refuses %s with 400', async (_what, query, path) => {
    const response = await t.call({ method: 'GET', url: `/api/v1/sessions${query}`, token: admin });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: [path] } });
  });

  it('shows a tenant-admin the sessions of its tenant and of those granted to it, and nothing else', async () => {
    expect(names(await list('', acme))).toEqual(['acmeOpen', 'acmeUdp', 'acmeSsh']);
    expect(names(await list('', globex))).toEqual(['acmeOpen', 'globexOpen', 'acmeUdp', 'acmeSsh']);
    expect(names(await list('', initech))).toEqual(['initechOpen']);
    expect(names(await list('?tenant=acme', initech))).toEqual([]);
    for (const url of [`/api/v1/sessions/${ids.acmeSsh}`, `/api/v1/sessions/${ids.acmeSsh}/timeline`]) {
      expect((await t.call({ method: 'GET', url, token: initech })).statusCode).toBe(404);
      expect((await t.call({ method: 'GET', url, token: globex })).statusCode).toBe(200);
    }
  });

  it('lets auditors read the sessions of their scope', async () => {
    expect(names(await list('', auditorAll))).toEqual(newestFirst);
    expect(names(await list('', auditorAcme))).toEqual(['acmeOpen', 'acmeUdp', 'acmeSsh']);
    const other = await t.call({ method: 'GET', url: `/api/v1/sessions/${ids.globexOpen}`, token: auditorAcme });
    expect(other.statusCode).toBe(404);
    const own = await t.call({ method: 'GET', url: `/api/v1/sessions/${ids.acmeUdp}/timeline`, token: auditorAcme });
    expect(own.statusCode, own.body).toBe(200);
  });

  it('reads one session, and 404 for an unknown one; 401 without a token', async () => {
    const response = await t.call({ method: 'GET', url: `/api/v1/sessions/${ids.acmeUdp}`, token: admin });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: ids.acmeUdp, protocol: 'udp', relay: 'relay-eu', terminationCause: 'idle-timeout' });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const missing = await t.call({ method: 'GET', url: `/api/v1/sessions/${id}`, token: admin });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
      expect((await t.call({ method: 'GET', url: `/api/v1/sessions/${id}/timeline`, token: admin })).statusCode).toBe(404);
    }
    expect((await t.call({ method: 'GET', url: '/api/v1/sessions' })).statusCode).toBe(401);
  });

  it('gives the timeline of a session: every event in order, with who, from where and when', async () => {
    const response = await t.call({ method: 'GET', url: `/api/v1/sessions/${ids.acmeSsh}/timeline`, token: admin });
    expect(response.statusCode, response.body).toBe(200);
    const timeline = response.json() as Timeline;
    expect(timeline.id).toBe(ids.acmeSsh);
    expect(timeline.events.map((e) => e.type)).toEqual([
      'TunnelOpened',
      'TunnelClientAttached',
      'TunnelStreamOpened',
      'TunnelStreamClosed',
      'TunnelClosed',
    ]);
    expect(timeline.events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    const [opened] = timeline.events;
    expect(opened).toMatchObject({ who: { id: 'tenant-admin@acme', role: 'tenant-admin' }, ip: '198.51.100.2', at: '2026-01-01T00:00:01.000Z' });
    expect(opened?.data).toMatchObject({ tunnelId: ids.acmeSsh, device: '001122000001', tenantId: 'acme', devicePort: 22 });
    expect(opened?.data).toHaveProperty('tokenHash', '[redacted]');
    expect(timeline.events.at(-1)).toMatchObject({
      type: 'TunnelClosed',
      data: { cause: 'deleted', bytesTransferred: 5000 },
      who: { id: 'tenant-admin@acme' },
      at: '2026-01-01T00:00:01.500Z',
    });
    // Matches the store, event for event.
    const stored = await t.hub.store.readStream(`tunnel-${ids.acmeSsh}`);
    expect(timeline.events.map((e) => e.at)).toEqual(stored.map((e) => e.metadata.at));
  });
});
