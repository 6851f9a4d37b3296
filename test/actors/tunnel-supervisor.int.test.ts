// The tunnel supervisor on a real runtime and SQLite store, with a fake device connection at its
// socket boundary: what it stores, which port it holds, and what it frees when a record fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { TunnelSupervisor } from '../../actors/tunnel/tunnel-supervisor.js';
import type { TunnelSupervisorOptions } from '../../actors/tunnel/tunnel-requests.js';
import { parseMac } from '../../domain/device/mac.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';
import { failingAppends } from '../support/failing-appends.js';
import type { FailingAppends } from '../support/failing-appends.js';
import { reachable } from '../support/port-probes.js';
import { admin, RuntimeFixture, storedEvent } from './runtime/runtime-fixture.js';

const mac = parseMac('00:11:22:00:40:01');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

class FakeDeviceLink implements ControlConnection {
  readonly ip = '127.0.0.1';
  open = true;
  readonly sent: HubMessage[] = [];
  constructor(readonly connectionId: string) {}
  send(message: HubMessage): void {
    this.sent.push(message);
  }
  close(): void {
    this.open = false;
  }
}

let fixture: RuntimeFixture;
let store: FailingAppends;
let supervisor: TunnelSupervisor;
let device: FakeDeviceLink;
const port = 44000 + Math.floor(Math.random() * 900);

function startSupervisor(options: Partial<TunnelSupervisorOptions> = {}): TunnelSupervisor {
  const runtime = fixture.runtime({ store });
  return new TunnelSupervisor({
    runtime,
    store,
    clock: fixture.clock,
    devices: { connectionOf: (asked) => (asked === mac ? { link: device, tenantId: 'acme' } : undefined) },
    nodeId: 'node-1',
    ports: { from: port, to: port },
    bindAddress: '127.0.0.1',
    logger: quiet,
    ...options,
  });
}

const request = { device: mac, tenantId: 'acme', settings: { protocol: 'tcp', devicePort: 22 }, context: admin } as const;

beforeEach(() => {
  fixture = new RuntimeFixture();
  store = failingAppends(fixture.store);
  device = new FakeDeviceLink('conn-1');
  supervisor = startSupervisor();
});
afterEach(async () => {
  await supervisor.shutdown();
  await fixture.close();
});

describe('the tunnel supervisor', () => {
  it('stores TunnelOpened, then serves the port; a close stores TunnelClosed and frees it', async () => {
    const opened = await supervisor.open(request);
    const stored = await fixture.stream(`tunnel-${opened.tunnelId}`);
    expect(stored.map((e) => e.type)).toEqual(['TunnelOpened']);
    expect(stored[0]?.data).toMatchObject({ port, relay: 'hub', node: 'node-1', tenantId: 'acme' });
    expect(opened.port).toBe(port);
    expect(supervisor.holds(opened.tunnelId)).toBe(true);
    expect(await reachable(port)).toBe(true);

    await supervisor.close(opened.tunnelId, 'deleted', admin);
    expect((await fixture.stream(`tunnel-${opened.tunnelId}`)).map((e) => e.type).at(-1)).toBe('TunnelClosed');
    expect(supervisor.liveCount).toBe(0);
    expect(await reachable(port)).toBe(false);
  });

  it('frees the port and the tenant place when TunnelOpened cannot be stored', async () => {
    supervisor = startSupervisor({ maxLinksPerTenant: 1 });
    store.failNext('tunnel-');
    await expect(supervisor.open(request)).rejects.toMatchObject({ code: 'unavailable' });
    expect(supervisor.liveCount).toBe(0);
    expect(await supervisor.relaySessions('hub')).toBe(0);
    expect(await reachable(port)).toBe(false);
    const opened = await supervisor.open(request);
    expect(opened.port).toBe(port);
  });

  it('refuses a tenant past its limit before binding anything, and takes it again once a link closed', async () => {
    supervisor = startSupervisor({ maxLinksPerTenant: 1, ports: { from: port, to: port + 1 } });
    const first = await supervisor.open(request);
    await expect(supervisor.open(request)).rejects.toMatchObject({ code: 'tenant_link_limit' });
    expect(await supervisor.relaySessions('hub')).toBe(1);
    await supervisor.close(first.tunnelId, 'deleted', admin);
    await expect(supervisor.open(request)).resolves.toMatchObject({ relay: 'hub' });
  });

  it('ends the links of a device connection that ended, by an event with cause device-offline', async () => {
    const opened = await supervisor.open(request);
    supervisor.connectionEnded(mac, 'another-connection');
    expect(supervisor.holds(opened.tunnelId)).toBe(true);
    const closed = storedEvent(fixture.store, { streamPrefixes: [`tunnel-${opened.tunnelId}`], eventTypes: ['TunnelClosed'] });
    supervisor.connectionEnded(mac, 'conn-1');
    expect((await closed).data.cause).toBe('device-offline');
    expect(supervisor.holds(opened.tunnelId)).toBe(false);
  });

  it('refuses a device that is not connected here, storing nothing', async () => {
    await expect(supervisor.open({ ...request, device: parseMac('00:11:22:00:40:02') })).rejects.toMatchObject({ code: 'device_offline' });
    expect(supervisor.liveCount).toBe(0);
  });
});
