// The proxy supervisor on a real runtime and SQLite store: a source port is bound before a
// change is stored, serves once it is, and is closed again when the change cannot be stored.
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProxySupervisor } from '../../actors/proxy/proxy-supervisor.js';
import { failingAppends } from '../support/failing-appends.js';
import type { FailingAppends } from '../support/failing-appends.js';
import { reachable } from '../support/port-probes.js';
import { proxyEnv, proxySettings } from './proxy-fixture.js';
import { admin, RuntimeFixture } from './runtime/runtime-fixture.js';

const base = 45000 + Math.floor(Math.random() * 900);

let fixture: RuntimeFixture;
let store: FailingAppends;
let proxies: ProxySupervisor;

beforeEach(() => {
  fixture = new RuntimeFixture();
  store = failingAppends(fixture.store);
  const runtime = fixture.runtime({ store });
  proxies = new ProxySupervisor({
    runtime,
    env: proxyEnv(runtime, fixture.clock),
    bindAddress: '127.0.0.1',
    reservedPorts: { from: base + 500, to: base + 599 },
  });
});
afterEach(async () => {
  await proxies.shutdown();
  await fixture.close();
});

const types = async (proxyId: string): Promise<string[]> => (await fixture.stream(`proxy-${proxyId}`)).map((e) => e.type);

describe('the proxy supervisor', () => {
  it('serves a created profile once it is stored; the switch and removal close its port', async () => {
    await proxies.create('web', proxySettings(base), admin);
    expect(proxies.isListening('web')).toBe(true);
    expect(await reachable(base)).toBe(true);
    await proxies.setEnabled('web', false, admin);
    expect(await reachable(base)).toBe(false);
    await proxies.setEnabled('web', true, admin);
    expect(await reachable(base)).toBe(true);
    await proxies.remove(['web'], admin);
    expect(await reachable(base)).toBe(false);
    expect(await types('web')).toEqual(['ProxyCreated', 'ProxyDisabled', 'ProxyEnabled', 'ProxyRemoved']);
  });

  it('closes the port it bound when the creation cannot be stored, and may bind it again', async () => {
    store.failNext('proxy-');
    await expect(proxies.create('web', proxySettings(base + 1), admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(proxies.isListening('web')).toBe(false);
    expect(await reachable(base + 1)).toBe(false);
    await proxies.create('web', proxySettings(base + 1), admin);
    expect(await reachable(base + 1)).toBe(true);
  });

  it('keeps the old port and frees the new one when a move cannot be stored', async () => {
    await proxies.create('web', proxySettings(base + 2), admin);
    store.failNext('proxy-');
    await expect(proxies.update('web', proxySettings(base + 3), admin)).rejects.toMatchObject({ code: 'unavailable' });
    expect(await reachable(base + 2)).toBe(true);
    expect(await reachable(base + 3)).toBe(false);
    await proxies.update('web', proxySettings(base + 3), admin);
    expect(await reachable(base + 3)).toBe(true);
    expect(await reachable(base + 2)).toBe(false);
  });

  it('refuses a port another program holds, storing nothing', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(base + 4, '127.0.0.1', resolve));
    try {
      await expect(proxies.create('web', proxySettings(base + 4), admin)).rejects.toMatchObject({ code: 'port_in_use' });
      await expect(types('web')).rejects.toMatchObject({ code: 'stream_not_found' });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
