// The inventory a hello reports, at the gateway: past its bounds the hello is refused with the
// path of the field and nothing is stored; a device reconnecting with the inventory recorded
// stores only its connection, and the device list still shows that inventory. Software is
// bounded and recorded as apps are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient, hello, listen, storedEvent } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

let t: TestHub;
let url: string;
let admin: string;

beforeAll(async () => {
  t = await startTestHub();
  url = await listen(t.hub);
  admin = await t.adminToken();
});
afterAll(async () => t.close());

const connections = async (mac: string) => (await t.hub.store.readStream(`device-${mac}`)).filter((event) => event.type === 'DeviceConnected');

describe('the inventory of a hello', () => {
  it('refuses a hello with 1,200 categories, naming the field, and stores nothing', async () => {
    const head = await t.head();
    const client = await DeviceClient.open(url);
    client.send(hello('00:00:00:00:04:01', { categories: Array.from({ length: 1200 }, (_, i) => `category-${i}`) }));
    expect(await client.expect('error')).toMatchObject({ code: 'validation_failed', details: ['categories'] });
    client.send(hello('00:00:00:00:04:01', { apps: [{ name: 'devices', version: 'v'.repeat(201) }] }));
    expect(await client.expect('error')).toMatchObject({ code: 'validation_failed', details: ['apps.0.version'] });
    client.send(hello('00:00:00:00:04:01', { software: Array.from({ length: 201 }, (_, i) => ({ name: `software-${i}`, version: '1.0' })) }));
    expect(await client.expect('error')).toMatchObject({ code: 'validation_failed', details: ['software'] });
    await client.close();
    expect(await t.head()).toBe(head);
  });

  it('stores no copy of an unchanged inventory when a device reconnects, and one of a changed inventory', async () => {
    const mac = '000000000402';
    const first = await DeviceClient.hello(url, mac);
    await first.expect('welcome');
    await first.close();
    await storedEvent(t.hub.store, `device-${mac}`, (event) => event.type === 'DeviceDisconnected');
    const again = await DeviceClient.hello(url, mac);
    await again.expect('welcome');
    const [registration, reconnect] = await connections(mac);
    expect(registration?.data).not.toHaveProperty('categories');
    expect(reconnect?.data).not.toHaveProperty('categories');
    expect(reconnect?.data).not.toHaveProperty('model');
    await t.hub.readModels.waitFor(await t.head(), 5000);
    const device = (await t.call({ method: 'GET', url: `/api/v1/devices/${mac}`, token: admin })).json();
    expect(device).toMatchObject({ model: 'IP232', firmware: '13r1', categories: ['phones'] });

    await again.close();
    let ends = 0;
    await storedEvent(t.hub.store, `device-${mac}`, (event) => event.type === 'DeviceDisconnected' && ++ends === 2);
    const upgraded = await DeviceClient.hello(url, mac, { firmware: '13r2' });
    await upgraded.expect('welcome');
    expect((await connections(mac))[2]?.data).toMatchObject({ model: 'IP232', firmware: '13r2', categories: ['phones'] });
    await upgraded.close();
  });

  it('records the software a hello reports, shows it, and a change of it at a reconnect', async () => {
    const mac = '000000000403';
    const first = await DeviceClient.hello(url, mac, { software: [{ name: 'myapps', version: '1.0' }] });
    await first.expect('welcome');
    await first.close();
    await storedEvent(t.hub.store, `device-${mac}`, (event) => event.type === 'DeviceDisconnected');
    const updated = await DeviceClient.hello(url, mac, { software: [{ name: 'myapps', version: '2.0' }] });
    await updated.expect('welcome');
    expect((await connections(mac))[1]?.data).toMatchObject({ software: [{ name: 'myapps', version: '2.0' }] });
    await t.hub.readModels.waitFor(await t.head(), 5000);
    const device = (await t.call({ method: 'GET', url: `/api/v1/devices/${mac}`, token: admin })).json();
    expect(device).toMatchObject({ software: [{ name: 'myapps', version: '2.0' }] });
    await updated.close();
  });
});
