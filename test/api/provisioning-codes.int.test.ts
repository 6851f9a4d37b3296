// Provisioning codes over the API: issued and shown once, listed while live, revoked,
// expired after one hour by the hub's injected clock, scoped like tenants.
import { createHash, createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub } from '../../api/hub.js';
import { parseMac } from '../../domain/device/mac.js';
import type { EventFilter, EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { provisioningAggregate } from '../../domain/provisioning/aggregate.js';
import { getProvisioningCode } from '../../projections/provisioning-codes/index.js';
import { adminPassword, positionStride, startTestHub, tokenSecret } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

interface Issued {
  readonly code: string;
  readonly codeId: string;
  readonly expiresAt: string;
  readonly maxUses?: number;
}
interface Listed {
  readonly items: readonly { readonly codeId: string; readonly uses: number; readonly state: string; readonly maxUses?: number }[];
}

const minute = 60_000;
const codeShape = /^[A-HJ-KM-NP-Z2-9]{4}-[A-HJ-KM-NP-Z2-9]{4}-[A-HJ-KM-NP-Z2-9]{4}$/;

const auditorToken = (): string => {
  const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'auditor-1', role: 'auditor', iat: Math.floor(Date.now() / 1000) })}`;
  return `${unsigned}.${createHmac('sha256', tokenSecret).update(unsigned).digest('base64url')}`;
};

/** The first stored event that matches, waiting for it to be appended. */
async function storedEvent(store: EventStore, filter: EventFilter, timeoutMs = 5000): Promise<RecordedEvent> {
  const subscription = store.subscribeToAll({ filter });
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const event of subscription) return event;
    throw new Error(`no event matching ${JSON.stringify(filter)} within ${timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
}

const codesUrl = (tenant: string): string => `/api/v1/tenants/${tenant}/provisioning-codes`;

async function issue(t: TestHub, token: string, tenant: string, payload?: object): Promise<Issued> {
  const response = await t.call({ method: 'POST', url: codesUrl(tenant), token, ...(payload === undefined ? {} : { payload }) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Issued;
}

async function live(t: TestHub, token: string, tenant: string): Promise<Listed['items']> {
  const response = await t.call({ method: 'GET', url: codesUrl(tenant), token });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as Listed).items;
}

describe('provisioning codes API', () => {
  let t: TestHub;
  let admin: string;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    for (const id of ['acme', 'globex', 'initech']) await t.createTenant(admin, id);
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/globex/grants/acme', token: admin })).statusCode).toBe(200);
    acme = await t.tenantToken('acme', 'acme-password');
    globex = await t.tenantToken('globex', 'globex-password');
  });
  afterAll(async () => t.close());

  it('issues a typable code, shown once and valid for one hour, and stores only its hash', async () => {
    const response = await t.call({ method: 'POST', url: codesUrl('acme'), token: admin, payload: {} });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const issued = response.json() as Issued;
    expect(issued.code).toMatch(codeShape);
    expect(issued.codeId).toBe(createHash('sha256').update(issued.code.replace(/-/g, '')).digest('hex').slice(0, 32));
    expect(issued.expiresAt).toBe(new Date(t.clock.now().getTime() + 60 * minute).toISOString());
    expect(issued).not.toHaveProperty('maxUses');

    const events = await t.hub.store.readStream(`provisioning-${issued.codeId}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['ProvisioningCodeIssued', { codeId: issued.codeId, tenantId: 'acme', expiresAt: issued.expiresAt }],
    ]);
    const everything = JSON.stringify(await t.hub.store.readAll());
    expect(everything).not.toContain(issued.code);
    expect(everything).not.toContain(issued.code.replace(/-/g, ''));
    expect((await issue(t, admin, 'acme')).code).not.toBe(issued.code);
  });

  it('takes a positive whole maxUses, and refuses anything else with 400 and no event', async () => {
    const before = await t.head();
    for (const maxUses of [0, -1, 1.5, '3', null, true, 2 ** 53]) {
      const response = await t.call({ method: 'POST', url: codesUrl('acme'), token: admin, payload: { maxUses } });
      expect(response.statusCode, String(maxUses)).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: ['body.maxUses'] } });
    }
    expect(await t.head()).toBe(before);
    expect(await issue(t, admin, 'acme', { maxUses: 3 })).toMatchObject({ maxUses: 3 });
  });

  it('lists the live codes of a tenant with their uses, never the codes, until used up', async () => {
    const issued = await issue(t, admin, 'initech', { maxUses: 2 });
    const redeem = async (mac: string): Promise<void> => {
      const executed = await t.hub.runtime.execute(
        provisioningAggregate,
        issued.codeId,
        { type: 'RedeemProvisioningCode', mac: parseMac(mac) },
        { principal: { id: 'gateway', role: 'system' } },
      );
      await t.hub.readModels.waitFor(executed.position ?? -1, 5000);
    };
    await redeem('00:11:22:33:44:01');
    const listed = await live(t, admin, 'initech');
    expect(listed).toEqual([
      { codeId: issued.codeId, tenantId: 'initech', expiresAt: issued.expiresAt, maxUses: 2, uses: 1, createdAt: t.clock.now().toISOString(), state: 'live' },
    ]);
    expect(JSON.stringify(listed)).not.toContain(issued.code);
    await redeem('00:11:22:33:44:02');
    expect(await live(t, admin, 'initech')).toEqual([]);
  });

  it('revokes a code: 204, gone from the list, and again 204 without a second event', async () => {
    const issued = await issue(t, admin, 'globex');
    expect((await live(t, admin, 'globex')).map((c) => c.codeId)).toContain(issued.codeId);
    const url = `${codesUrl('globex')}/${issued.codeId}`;
    const revoked = await t.call({ method: 'DELETE', url, token: admin });
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    expect((await live(t, admin, 'globex')).map((c) => c.codeId)).not.toContain(issued.codeId);
    expect((await t.call({ method: 'DELETE', url, token: admin })).statusCode).toBe(204);
    const types = (await t.hub.store.readStream(`provisioning-${issued.codeId}`)).map((e) => e.type);
    expect(types).toEqual(['ProvisioningCodeIssued', 'ProvisioningCodeRevoked']);
  });

  it('does not find a code under another tenant, an unknown code or tenant, and refuses a malformed code id', async () => {
    const issued = await issue(t, admin, 'acme');
    const before = await t.head();
    const status = async (method: 'GET' | 'POST' | 'DELETE', url: string, token = admin): Promise<number> =>
      (await t.call({ method, url, token })).statusCode;
    expect(await status('DELETE', `${codesUrl('globex')}/${issued.codeId}`)).toBe(404);
    expect(await status('DELETE', `${codesUrl('acme')}/${'0'.repeat(32)}`)).toBe(404);
    expect(await status('DELETE', `${codesUrl('acme')}/not-a-code-id`)).toBe(400);
    expect(await status('DELETE', `${codesUrl('acme')}/${issued.code}`)).toBe(400);
    for (const method of ['GET', 'POST'] as const) expect(await status(method, codesUrl('nobody'))).toBe(404);
    expect(await t.head()).toBe(before);
    expect((await live(t, admin, 'acme')).map((c) => c.codeId)).toContain(issued.codeId);
  });

  it('lets a tenant-admin manage the codes of its tenant and of tenants granted to it, and finds no others', async () => {
    const own = await issue(t, acme, 'acme');
    expect((await live(t, acme, 'acme')).map((c) => c.codeId)).toContain(own.codeId);
    // globex was granted acme.
    const granted = await issue(t, globex, 'acme');
    expect((await live(t, globex, 'acme')).map((c) => c.codeId)).toContain(granted.codeId);
    expect((await t.call({ method: 'DELETE', url: `${codesUrl('acme')}/${granted.codeId}`, token: globex })).statusCode).toBe(204);

    const theirs = await issue(t, admin, 'globex');
    const before = await t.head();
    expect((await t.call({ method: 'POST', url: codesUrl('globex'), token: acme, payload: {} })).statusCode).toBe(404);
    expect((await t.call({ method: 'GET', url: codesUrl('globex'), token: acme })).statusCode).toBe(404);
    expect((await t.call({ method: 'DELETE', url: `${codesUrl('globex')}/${theirs.codeId}`, token: acme })).statusCode).toBe(404);
    expect((await t.call({ method: 'POST', url: codesUrl('initech'), token: globex, payload: {} })).statusCode).toBe(404);
    expect(await t.head()).toBe(before);
  });

  it('lets an auditor list codes but not issue or revoke them', async () => {
    const auditor = auditorToken();
    const issued = await issue(t, admin, 'acme');
    expect((await live(t, auditor, 'acme')).map((c) => c.codeId)).toContain(issued.codeId);
    expect((await t.call({ method: 'POST', url: codesUrl('acme'), token: auditor, payload: {} })).statusCode).toBe(403);
    expect((await t.call({ method: 'DELETE', url: `${codesUrl('acme')}/${issued.codeId}`, token: auditor })).statusCode).toBe(403);
    expect((await t.call({ method: 'GET', url: codesUrl('acme') })).statusCode).toBe(401);
  });
});

describe('provisioning code expiry', () => {
  let t: TestHub;
  let admin: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
  });
  afterAll(async () => t.close());

  it('lists a code for one hour of the hub clock, then records its expiry', async () => {
    const issued = await issue(t, admin, 'acme');
    t.clock.advance(59 * minute);
    expect((await live(t, admin, 'acme')).map((c) => c.codeId)).toEqual([issued.codeId]);

    t.clock.advance(minute);
    // Live is judged by the clock at query time, whether or not the expiry is recorded yet.
    expect(await live(t, admin, 'acme')).toEqual([]);
    const expired = await storedEvent(t.hub.store, { streamPrefixes: [`provisioning-${issued.codeId}`], eventTypes: ['ProvisioningCodeExpired'] });
    expect(expired.metadata.at).toBe(issued.expiresAt);
    await t.hub.readModels.waitFor(expired.position, 5000);
    expect(t.hub.readModels.read((db) => getProvisioningCode(db, issued.codeId, t.clock.now()))?.state).toBe('expired');
    // Revoking an expired code changes nothing.
    expect((await t.call({ method: 'DELETE', url: `${codesUrl('acme')}/${issued.codeId}`, token: admin })).statusCode).toBe(204);
    expect((await t.hub.store.readStream(`provisioning-${issued.codeId}`)).map((e) => e.type)).toEqual([
      'ProvisioningCodeIssued',
      'ProvisioningCodeExpired',
    ]);
  });
});

describe('provisioning code expiry across a hub restart', () => {
  let first: TestHub;
  let second: Hub | undefined;

  beforeAll(async () => {
    first = await startTestHub();
  });
  afterAll(async () => {
    await second?.close();
    rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('records at start-up the expiry of a code that ran out while no hub was running', async () => {
    const admin = await first.adminToken();
    await first.createTenant(admin, 'acme');
    const issued = await issue(first, admin, 'acme');
    await first.hub.close();
    first.clock.advance(2 * 60 * minute);

    second = await buildHub({ dataDir: first.dataDir, nodeId: 'test', tokenSecret, adminPassword, clock: first.clock, logLevel: 'silent', positionStride });
    const expired = await storedEvent(second.store, { streamPrefixes: [`provisioning-${issued.codeId}`], eventTypes: ['ProvisioningCodeExpired'] });
    expect(expired.metadata.at).toBe(first.clock.now().toISOString());
  });
});
