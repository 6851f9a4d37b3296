// A node's live proxies on a real runtime and SQLite store keep nothing of a removed profile,
// whether it was created and removed here or elsewhere (heard from the log), and a profile
// removed and created again under its id opens its port as a new one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProxyLive } from '../../actors/proxy/proxy-live.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { proxyAggregate } from '../../domain/proxy/aggregate.js';
import { settingsOf } from '../../domain/proxy/decide.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { reachable } from '../support/port-probes.js';
import { proxyEnv, proxySettings } from './proxy-fixture.js';
import { admin, RuntimeFixture } from './runtime/runtime-fixture.js';

const base = 45000 + Math.floor(Math.random() * 900);

let fixture: RuntimeFixture;
let runtime: ActorRuntime;
let live: ProxyLive;
let proxies: ReturnType<ActorRuntime['register']>;

beforeEach(() => {
  fixture = new RuntimeFixture();
  runtime = fixture.runtime();
  live = new ProxyLive(proxyEnv(runtime, fixture.clock), '127.0.0.1');
  proxies = runtime.register(proxyAggregate, live);
});
afterEach(async () => {
  await live.closeEvery('hub-shutdown');
  await fixture.close();
});

/** Creates a profile here, as the proxy supervisor does. */
async function create(proxyId: string, profile: ProxySettings): Promise<number | undefined> {
  const { position } = await runtime.reserve(proxies, proxyId, { command: { type: 'CreateProxy', proxyId, settings: profile }, settings: profile }, admin);
  return position;
}

/** This node hears an event of the profile from the log, as the definition follower hands it on. */
async function heard(proxyId: string, position: number | undefined): Promise<void> {
  const { state } = await runtime.load(proxyAggregate, proxyId);
  await live.reconcile(proxyId, settingsOf(state), position);
}

describe('the live proxies of a node', () => {
  it('keep nothing of the profiles created and removed, here or elsewhere, each event heard again', async () => {
    const ids = Array.from({ length: 12 }, (_, n) => `p${n}`);
    for (const [n, proxyId] of ids.entries()) {
      const position = await create(proxyId, proxySettings(base + n, n % 2 === 0));
      // Half of them this node also hears from the log, as if they were created elsewhere.
      if (n % 3 === 0) await heard(proxyId, position);
    }
    expect(live.remembered).toBeGreaterThan(0);
    for (const proxyId of ids) {
      const { position } = await runtime.execute(proxyAggregate, proxyId, { type: 'RemoveProxy' }, admin);
      await heard(proxyId, position);
      await live.removed(proxyId);
    }
    expect(live.remembered).toBe(0);
  });

  it('opens the port of a profile removed and created again under its id', async () => {
    await create('web', proxySettings(base + 20, true));
    await runtime.execute(proxyAggregate, 'web', { type: 'RemoveProxy' }, admin);
    await live.removed('web');
    expect(await reachable(base + 20)).toBe(false);
    const position = await create('web', proxySettings(base + 21, true));
    await heard('web', position);
    expect(live.isListening('web')).toBe(true);
    expect(await reachable(base + 21)).toBe(true);
  });
});
