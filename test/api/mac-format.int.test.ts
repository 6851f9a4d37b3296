// MACs leave the API in one form, upper case with colons (`00:11:22:AA:BB:CC`, the seed's
// "upper case representation used throughout the API"): the device list and a device, its
// sessions, a job's devices, and the dashboard's device.changed, session.changed and
// job.progress. A MAC sent in is accepted in any spelling, as before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import { DashboardClient } from './dashboard-client.js';
import type { Received } from './dashboard-client.js';
import { firmwareCatalog, jobEvent, ok, startAgents, startJobHub, tenantWithCode, uploadCatalog } from './job-fixture.js';
import type { JobDetails, JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

const apiForm = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;

let test: JobHub;
let admin: string;
let agents: SimulatedAgent[] = [];
let dashboard: DashboardClient | undefined;

beforeEach(async () => {
  const from = 47000 + Math.floor(Math.random() * 300) * 10;
  test = await startJobHub({ deviceLink: { ports: { from, to: from + 9 }, bindAddress: '127.0.0.1' } });
  admin = await test.admin();
});

afterEach(async () => {
  dashboard?.close();
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test.destroy();
});

/** The payloads of one dashboard event received so far. */
const payloads = (client: DashboardClient, event: Received['event']): unknown[] =>
  client.received.flatMap((received) => (received.event === event && 'payload' in received.message ? [received.message.payload] : []));

/** Every `mac` and `device` field, however deep: the fields that hold a MAC. */
function macFields(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(macFields);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, field]) => ((key === 'mac' || key === 'device') && typeof field === 'string' ? [field] : macFields(field)));
}

describe('MACs in the API', () => {
  it('are written upper case with colons in every answer and dashboard payload, whatever spelling came in', async () => {
    const code = await tenantWithCode(test, admin, 'acme');
    await tenantWithCode(test, admin, 'other');
    await uploadCatalog(test, admin, 'firmware', firmwareCatalog(['13r1', '13r2']));
    dashboard = await DashboardClient.connect(`${test.httpUrl}/dashboard`, admin);
    expect(await dashboard.subscribe({ models: ['devices', 'sessions', 'jobs'] })).toMatchObject({ ok: true });
    agents = await startAgents(2, { url: test.gatewayUrl, code, firmware: '13r1' });
    const [first, second] = agents.map((agent) => agent.mac);
    if (first === undefined || second === undefined) throw new Error('no agents');
    const shown = [formatMac(first), formatMac(second)];
    expect(shown).toEqual(['02:00:00:00:10:00', '02:00:00:00:10:01']);
    for (const mac of shown) {
      await dashboard.waitFor(`${mac} online`, (received) => received.event === 'device.changed' && JSON.stringify(received.message).includes(`"mac":"${mac}","tenant":"acme","state":"online"`));
    }

    // The device list and a device read by MAC in each spelling (`first` is 12 lower-case digits).
    const list = (await ok(test.call({ method: 'GET', url: '/api/v1/devices', token: admin }))) as { items: { mac: string }[] };
    expect(list.items.map((device) => device.mac)).toEqual(shown);
    for (const spelling of [first, first.toUpperCase(), '02-00-00-00-10-00', '02:00:00:00:10:00']) {
      expect(await ok(test.call({ method: 'GET', url: `/api/v1/devices/${spelling}`, token: admin }))).toMatchObject({ mac: shown[0] });
    }
    const filtered = (await ok(test.call({ method: 'GET', url: `/api/v1/devices?q=${encodeURIComponent('00:10:01')}`, token: admin }))) as { items: { mac: string }[] };
    expect(filtered.items.map((device) => device.mac)).toEqual([shown[1]]);

    // A move answers with the MAC in the API's form.
    expect(await ok(test.call({ method: 'POST', url: `/api/v1/devices/02-00-00-00-10-01/assign`, token: admin, payload: { tenant: 'other' } }))).toEqual({ mac: shown[1], tenant: 'other' });

    // A DeviceLink's session, opened with a dashed lower-case MAC, found by a bare one.
    await ok(test.call({ method: 'POST', url: '/api/v1/devicelink/02-00-00-00-10-00', token: admin, payload: { protocol: 'tcp', devicePort: 22 } }), 201);
    const sessions = (await ok(test.call({ method: 'GET', url: `/api/v1/sessions?device=${first}`, token: admin }))) as { items: { device: string }[] };
    expect(sessions.items.map((session) => session.device)).toEqual([shown[0]]);

    // A job's devices.
    const job = ((await ok(test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'fw', tenants: ['acme', 'other'], categories: [], target: { kind: 'firmware', version: '13r2' } } }), 201)) as { id: string }).id;
    await jobEvent(test, `updatejob-${job}`, (event) => event.type === 'JobCompleted');
    const details = (await ok(test.call({ method: 'GET', url: `/api/v1/update-jobs/${job}`, token: admin }))) as JobDetails;
    expect(details.devices.map((device) => device.mac)).toEqual(shown);

    // The dashboard heard of both devices, the session and the job's devices, each MAC in the API's form.
    await dashboard.waitFor('the job completed', (received) => received.event === 'job.progress' && JSON.stringify(received.message).includes('"completed"'));
    const heard = { devices: macFields(payloads(dashboard, 'device.changed')), sessions: macFields(payloads(dashboard, 'session.changed')), jobs: macFields(payloads(dashboard, 'job.progress')) };
    expect(new Set(heard.devices)).toEqual(new Set(shown));
    expect(new Set(heard.sessions)).toEqual(new Set([shown[0]]));
    expect(new Set(heard.jobs)).toEqual(new Set(shown));
    for (const mac of [...heard.devices, ...heard.sessions, ...heard.jobs]) expect(mac).toMatch(apiForm);
  });
});
