// An update end to end with the real agent: the hub serves the binaries (--artifacts), the
// firmware catalog is fetched from there, the agent downloads the binary, checks its sha256,
// keeps it, reconnects and reports the new version; a wrong sha256 is the device's error.
// Software (software.json) likewise, to a device that reports it installed.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import { jobDetails, jobEvent, macOf, ok, startJobHub, tenant, tenantWithCode } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';

const image = Buffer.from('IP232 firmware 13r2 build 131706\n'.repeat(1000));
const sha256 = createHash('sha256').update(image).digest('hex');

let test: JobHub;
let dir: string;
let agent: AgentHandle | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tether-update-'));
  mkdirSync(join(dir, 'artifacts', 'ip232', '131706'), { recursive: true });
  writeFileSync(join(dir, 'artifacts', 'ip232', '131706', 'ip232.bin'), image);
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await test.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function rollOut(checksum: string): Promise<{ jobId: string; admin: string; updatesDir: string }> {
  const firmware = {
    devices: [{ id: 'IP232', versions: ['13r1', '13r2'] }],
    versions: [
      { id: '13r1', build: '131705', text: '13r1', wiki: '' },
      { id: '13r2', build: '131706', text: '13r2', wiki: '', sha256: { IP232: checksum } },
    ],
  };
  writeFileSync(join(dir, 'artifacts', 'firmware.json'), JSON.stringify(firmware));
  test = await startJobHub({ artifactsDir: join(dir, 'artifacts') });
  const admin = await test.admin();
  const code = await tenantWithCode(test, admin);
  await ok(test.call({ method: 'PUT', url: '/api/v1/catalog/firmware', token: admin, payload: { url: `${test.httpUrl}/artifacts/firmware.json` } }));
  const updatesDir = join(dir, 'updates');
  agent = startAgent({ hub: test.httpUrl, mac: macOf(0), code, model: 'IP232', firmware: '13r1', stateFile: join(dir, 'state.json'), updatesDir, logger: () => undefined, backoff: { baseMs: 20, maxMs: 200, random: () => 0 } });
  await once(agent.events, 'password', { signal: AbortSignal.timeout(10_000) });
  const job = (await ok(
    test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'fw 13r2', tenants: [tenant], categories: [], target: { kind: 'firmware', version: '13r2' } } }),
    201,
  )) as { id: string };
  await jobEvent(test, `updatejob-${job.id}`, (event) => event.type === 'JobCompleted', 20_000);
  return { jobId: job.id, admin, updatesDir };
}

describe('update with the real agent', () => {
  it('downloads from the hub\'s artifacts, verifies the sha256 and reports the new version', async () => {
    const { jobId, admin, updatesDir } = await rollOut(sha256);
    const details = await jobDetails(test, admin, 'update-jobs', jobId);
    expect(details.counts).toEqual({ attempted: 1, inFlight: 0, succeeded: 1, failed: 0 });
    expect(readFileSync(join(updatesDir, 'firmware-13r2'))).toEqual(image);
    // Its next hello reports 13r2.
    const online = await jobEvent(test, `device-${macOf(0)}`, (event) => event.type === 'DeviceConnected' && event.data.firmware === '13r2');
    expect(online.data.firmware).toBe('13r2');
  });

  it('fails the device with its own error when the binary does not match the catalog\'s sha256', async () => {
    const { jobId, admin } = await rollOut('0'.repeat(64));
    const [device] = (await jobDetails(test, admin, 'update-jobs', jobId)).devices;
    expect(device).toMatchObject({ status: 'failed', cause: 'error' });
    expect(device?.error?.toLowerCase()).toContain('sha256');
  });
});

describe('a software update with the real agent', () => {
  const binary = Buffer.from('myapps 2.0\n'.repeat(500));

  it('installs a package of software.json on the device that reports it, which then reports the new version', async () => {
    mkdirSync(join(dir, 'artifacts', 'myapps', '20'), { recursive: true });
    writeFileSync(join(dir, 'artifacts', 'myapps', '20', 'myapps.bin'), binary);
    const software = {
      software: [
        {
          id: 'myapps',
          folder: 'myapps',
          binary: 'myapps.bin',
          versions: [{ id: '2.0', build: '20', label: 'dvl', sha256: createHash('sha256').update(binary).digest('hex') }],
          manufacturer: 'example',
          title: 'myApps',
          description: 'myApps',
        },
      ],
    };
    writeFileSync(join(dir, 'artifacts', 'software.json'), JSON.stringify(software));
    test = await startJobHub({ artifactsDir: join(dir, 'artifacts') });
    const admin = await test.admin();
    const code = await tenantWithCode(test, admin);
    await ok(test.call({ method: 'PUT', url: '/api/v1/catalog/software', token: admin, payload: { url: `${test.httpUrl}/artifacts/software.json` } }));
    const updatesDir = join(dir, 'updates');
    const stateFile = join(dir, 'state.json');
    const backoff = { baseMs: 20, maxMs: 200, random: () => 0 };
    agent = startAgent({ hub: test.httpUrl, mac: macOf(0), code, model: 'IP232', software: [{ name: 'myapps', version: '1.0' }], stateFile, updatesDir, logger: () => undefined, backoff });
    await once(agent.events, 'password', { signal: AbortSignal.timeout(10_000) });
    // Another device of the tenant without the software is not part of the job.
    const other = startAgent({ hub: test.httpUrl, mac: macOf(1), code, model: 'IP232', apps: [{ name: 'myapps', version: '1.0' }], updatesDir: join(dir, 'other'), logger: () => undefined, backoff });
    try {
      await once(other.events, 'password', { signal: AbortSignal.timeout(10_000) });
      const device = (await ok(test.call({ method: 'GET', url: `/api/v1/devices/${macOf(0)}`, token: admin }))) as { software: unknown };
      expect(device.software).toEqual([{ name: 'myapps', version: '1.0' }]);

      const target = { kind: 'software', name: 'myapps', version: '2.0' };
      const job = (await ok(test.call({ method: 'POST', url: '/api/v1/update-jobs', token: admin, payload: { name: 'myapps 2.0', tenants: [tenant], categories: [], target } }), 201)) as {
        id: string;
        target: unknown;
      };
      expect(job.target).toEqual(target);
      await jobEvent(test, `updatejob-${job.id}`, (event) => event.type === 'JobCompleted', 20_000);
      const details = await jobDetails(test, admin, 'update-jobs', job.id);
      expect(details.counts).toEqual({ attempted: 1, inFlight: 0, succeeded: 1, failed: 0 });
      expect(details.devices.map((entry) => entry.mac)).toEqual([formatMac(macOf(0))]);
      expect(readFileSync(join(updatesDir, 'software-myapps-2.0'))).toEqual(binary);
      const online = await jobEvent(test, `device-${macOf(0)}`, (event) => event.type === 'DeviceConnected' && JSON.stringify(event.data.software) === '[{"name":"myapps","version":"2.0"}]');
      expect(online.data.apps).toEqual([]);
      expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ software: { myapps: '2.0' } });
    } finally {
      await other.stop();
    }
  });

  it('refuses a software target not in software.json with 400 naming the field, and creates nothing', async () => {
    test = await startJobHub({ artifactsDir: join(dir, 'artifacts') });
    const admin = await test.admin();
    await tenantWithCode(test, admin);
    const refused = await test.call({
      method: 'POST',
      url: '/api/v1/update-jobs',
      token: admin,
      payload: { name: 'x', tenants: [tenant], categories: [], target: { kind: 'software', name: 'myapps', version: '2.0' } },
    });
    expect(refused.statusCode).toBe(400);
    const { error } = refused.json<{ error: { code: string; message: string; details: string[] } }>();
    expect(error).toMatchObject({ code: 'validation_failed', details: ['body.target.name'] });
    expect(error.message).toContain('no software.json imported');
    const jobs = (await ok(test.call({ method: 'GET', url: '/api/v1/update-jobs', token: admin }))) as { items: unknown[] };
    expect(jobs.items).toEqual([]);
  });
});
