// What one address may make the device gateway do: open connections at once, hellos a second,
// MACs never seen before registered an hour. Past a limit the hub refuses (HTTP 429 at the
// upgrade, or `error rate_limited` then `closing rate-limited`), appends nothing, and counts
// the refusal in /metrics; windows follow the injected clock.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceClient, listen, storedEvent } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';
import { scrape, value } from './metrics/scrape.js';

let t: TestHub | undefined;
const clients: DeviceClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await t?.close();
  t = undefined;
});

async function hub(limits: { connectionsPerIp?: number; hellosPerSecondPerIp?: number; registrationsPerHourPerIp?: number }): Promise<{ test: TestHub; url: string }> {
  const test = await startTestHub({ gatewayLimits: { connectionsPerIp: 1000, hellosPerSecondPerIp: 1000, registrationsPerHourPerIp: 1000, ...limits } });
  t = test;
  return { test, url: await listen(test.hub) };
}

async function welcomed(url: string, mac: string): Promise<DeviceClient> {
  const client = await DeviceClient.hello(url, mac);
  clients.push(client);
  expect(await client.expect('welcome')).toMatchObject({ state: 'unassigned' });
  return client;
}

async function refused(url: string, mac: string): Promise<void> {
  const client = await DeviceClient.hello(url, mac);
  clients.push(client);
  expect(await client.expect('error')).toMatchObject({ code: 'rate_limited' });
  expect(await client.expect('closing')).toEqual({ type: 'closing', cause: 'rate-limited' });
  expect((await client.closed).code).toBe(1013);
}

const refusals = async (test: TestHub, limit: string): Promise<number> => value(await scrape(test), 'tether_gateway_refusals_total', `limit="${limit}"`);

describe('gateway limits per address', () => {
  it('refuses a connection past the open connections of one address with HTTP 429', async () => {
    const { test, url } = await hub({ connectionsPerIp: 2 });
    clients.push(await DeviceClient.open(url), await DeviceClient.open(url));
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => reject(new Error('a third connection was accepted')));
      socket.once('error', reject);
    });
    expect(status).toBe(429);
    expect(await refusals(test, 'connections_per_ip')).toBe(1);
    // Room again once one has gone.
    await clients.shift()?.close();
    await welcomed(url, '00:00:00:00:01:01');
  });

  it('refuses hellos past the hellos a second of one address, until the next second', async () => {
    const { test, url } = await hub({ hellosPerSecondPerIp: 2 });
    await welcomed(url, '00:00:00:00:02:01');
    await welcomed(url, '00:00:00:00:02:02');
    const head = await test.head();
    await refused(url, '00:00:00:00:02:03');
    expect(await test.head()).toBe(head);
    expect(await refusals(test, 'hellos_per_ip')).toBe(1);
    test.clock.advance(1000);
    await welcomed(url, '00:00:00:00:02:03');
  });

  it('refuses and counts the registration of new MACs past the share of one address, but lets known devices in', async () => {
    const { test, url } = await hub({ registrationsPerHourPerIp: 2 });
    await (await welcomed(url, '00:00:00:00:03:01')).close();
    await storedEvent(test.hub.store, 'device-000000000301', (event) => event.type === 'DeviceDisconnected');
    await welcomed(url, '00:00:00:00:03:02');
    const head = await test.head();
    await refused(url, '00:00:00:00:03:03');
    expect(await test.head()).toBe(head);
    expect(await refusals(test, 'registrations_per_ip')).toBe(1);
    // A device already registered comes back whatever the count.
    await welcomed(url, '00:00:00:00:03:01');
    test.clock.advance(3_600_000);
    await welcomed(url, '00:00:00:00:03:03');
  });
});
