// Changing the hub's address (the seed's change of the PBX object's IP address or DNS name):
// with a real hub and real agents, every connected agent is told at once and keeps it in its
// state file, an agent connecting later under the old address is told after its welcome, and a
// bad address or a caller without the right changes nothing.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import { DeviceClient } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const waitMs = 5000;

describe('the hub address', () => {
  let t: TestHub;
  let url: string;
  let dir: string;
  const agents: AgentHandle[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.hub.app.server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'tether-hub-address-'));
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function online(mac: string): Promise<AgentHandle & { readonly stateFile: string }> {
    const stateFile = join(dir, `${mac.replaceAll(':', '')}.json`);
    const agent = startAgent({ hub: url, mac, stateFile, logger: () => undefined });
    agents.push(agent);
    await once(agent.events, 'online', { signal: AbortSignal.timeout(waitMs) });
    return Object.assign(agent, { stateFile });
  }

  const told = (agent: AgentHandle): Promise<[readonly string[]]> =>
    once(agent.events, 'hub-address', { signal: AbortSignal.timeout(waitMs) }) as Promise<[readonly string[]]>;

  it('is empty until set, and only the admin sets it', async () => {
    const admin = await t.adminToken();
    const shown = await t.call({ method: 'GET', url: '/api/v1/hub/address', token: admin });
    expect(shown.json()).toEqual({ urls: [] });
    await t.createTenant(admin, 'acme');
    const tenant = await t.tenantToken('acme', 'acme-password');
    const head = await t.head();
    const refused = await t.call({ method: 'PUT', url: '/api/v1/hub/address', token: tenant, payload: { urls: ['https://hub.example.com'] } });
    expect(refused.statusCode).toBe(403);
    for (const urls of [[], ['hub.example.com'], ['ftp://hub.example.com'], ['https://a', 'https://a']]) {
      const bad = await t.call({ method: 'PUT', url: '/api/v1/hub/address', token: admin, payload: { urls } });
      expect(bad.statusCode, JSON.stringify(urls)).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'validation_failed', details: [expect.stringMatching(/^body\.urls/) as string] } });
    }
    expect(await t.head()).toBe(head);
  });

  it('tells every connected agent at once, which keeps it; agents connecting later are told after their welcome', async () => {
    const admin = await t.adminToken();
    const first = await online('00:00:00:00:ad:01');
    const second = await online('00:00:00:00:ad:02');
    const urls = ['https://hub.example.com:8443', url];
    const heard = Promise.all([told(first), told(second)]);
    const set = await t.call({ method: 'PUT', url: '/api/v1/hub/address', token: admin, payload: { urls } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ urls });
    expect((await heard).map(([heardUrls]) => heardUrls)).toEqual([urls, urls]);
    for (const agent of [first, second]) expect(JSON.parse(readFileSync(agent.stateFile, 'utf8'))).toMatchObject({ hubs: urls });

    // Dialed under the old address (the one it was started with): told all the same.
    const stateFile = join(dir, 'late.json');
    const late = startAgent({ hub: url, mac: '00:00:00:00:ad:03', stateFile, logger: () => undefined });
    agents.push(late);
    const [lateUrls] = await told(late);
    expect(lateUrls).toEqual(urls);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ hubs: urls });

    const head = await t.head();
    const again = await t.call({ method: 'PUT', url: '/api/v1/hub/address', token: admin, payload: { urls } });
    expect(again.statusCode).toBe(200);
    expect(await t.head()).toBe(head);
    expect((await t.call({ method: 'GET', url: '/api/v1/hub/address', token: admin })).json()).toEqual({ urls });
  });

  it('tells a connection once: a change of its categories while connected sends nothing again', async () => {
    const admin = await t.adminToken();
    const first = ['https://one.example.com'];
    expect((await t.call({ method: 'PUT', url: '/api/v1/hub/address', token: admin, payload: { urls: first } })).statusCode).toBe(200);
    const device = await DeviceClient.hello(`${url.replace('http', 'ws')}/gateway`, '00:00:00:00:ad:04');
    try {
      await device.expect('welcome');
      expect(await device.expect('hub-address')).toMatchObject({ urls: first });
      const details = await t.call({ method: 'PATCH', url: '/api/v1/devices/00:00:00:00:ad:04', token: admin, payload: { categories: ['pumps'] } });
      expect(details.statusCode, details.body).toBe(200);
      // Messages on one connection arrive in order: anything sent for the change would come first.
      const second = ['https://two.example.com'];
      expect((await t.call({ method: 'PUT', url: '/api/v1/hub/address', token: admin, payload: { urls: second } })).statusCode).toBe(200);
      expect(await device.expect('hub-address')).toMatchObject({ urls: second });
    } finally {
      await device.close();
    }
  });
});
