// A listening test hub for dashboard tests: real socket.io clients on a real port, devices
// made through the actor runtime, and the changes its read models publish, to compare with
// what each client received.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { HubConfig } from '../../api/hub.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { parseMac } from '../../domain/device/mac.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { PublishedChange } from '../../projections/projection.js';
import { DashboardClient } from './dashboard-client.js';
import { Devices, phone } from './devices-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

export interface DashboardHub extends TestHub {
  readonly url: string;
  readonly devices: Devices;
  /** Every tenant.changed and device.changed the hub's read models published since it started. */
  readonly published: PublishedChange[];
  dashboard(token: string): Promise<DashboardClient>;
  /** A new connection of an assigned device, with its password: one change, appended without waiting for the read models. */
  reconnect(mac: string): Promise<number>;
  /** Waits until the read models published everything stored so far; returns that position. */
  settled(): Promise<number>;
}

export async function startDashboardHub(overrides: Partial<HubConfig> = {}): Promise<DashboardHub> {
  const t = await startTestHub(overrides);
  await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.hub.app.server.address() as AddressInfo).port}/dashboard`;
  const published: PublishedChange[] = [];
  t.hub.readModels.onChange((change) => {
    if (change.name === 'tenant.changed' || change.name === 'device.changed') published.push(change);
  });
  const clients: DashboardClient[] = [];
  return {
    ...t,
    url,
    devices: new Devices(t.hub),
    published,
    async dashboard(token) {
      const client = await DashboardClient.connect(url, token);
      clients.push(client);
      return client;
    },
    async reconnect(mac) {
      const canonical = parseMac(mac);
      const command = { type: 'RecordConnection' as const, mac: canonical, connectionId: randomUUID(), ip: '192.0.2.51', inventory: phone, passwordValid: true, nodeId: 'test' };
      const executed = await t.hub.runtime.execute(deviceAggregate, canonical, command, { principal: systemPrincipal, ip: '192.0.2.1' });
      expect(executed.position).toBeDefined();
      return executed.position ?? -1;
    },
    async settled() {
      const head = await t.head();
      await t.hub.readModels.waitFor(head, 10_000);
      return head;
    },
    async close() {
      clients.forEach((client) => client.close());
      await t.close();
    },
  };
}
