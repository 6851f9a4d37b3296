// Backup jobs and restores end to end: real agents (in this process) PUT their configuration
// to a real WebDAV server (the webdav-server package) with Basic and with Digest
// authentication; the stored files are what the agents sent; a wrong password shows as an
// error of each device; the password never enters the store in clear; a restore brings a file
// back to a device.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import { parseMac } from '../../domain/device/mac.js';
import { WebdavTarget } from '../agent/webdav-target.js';
import { jobDetails, jobEvent, macOf, ok, startJobHub, tenant, tenantWithCode } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';

const username = 'backup-user';
const password = 'correct horse battery staple';

let test: JobHub;
let admin: string;
let dir: string;
let agents: AgentHandle[] = [];
let targets: WebdavTarget[] = [];
const configs = new Map<string, string>();

beforeEach(async () => {
  test = await startJobHub();
  admin = await test.admin();
  dir = mkdtempSync(join(tmpdir(), 'tether-backup-'));
  const code = await tenantWithCode(test, admin);
  for (let i = 0; i < 3; i += 1) {
    const mac = macOf(i);
    const configFile = join(dir, `config-${i}.txt`);
    const content = `config of device ${i}\n${'x'.repeat(100 * i)}\n`;
    writeFileSync(configFile, content);
    configs.set(mac, configFile);
    const agent = startAgent({ hub: test.httpUrl, mac, code, configFile, logger: () => undefined, backoff: { baseMs: 20, maxMs: 200, random: () => 0 } });
    agents.push(agent);
    await once(agent.events, 'password', { signal: AbortSignal.timeout(10_000) });
  }
});

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await Promise.all(targets.map((target) => target.close()));
  targets = [];
  await test.destroy();
  rmSync(dir, { recursive: true, force: true });
  configs.clear();
});

async function webdav(auth: 'basic' | 'digest'): Promise<WebdavTarget> {
  const root = mkdtempSync(join(dir, `dav-${auth}-`));
  const target = await WebdavTarget.start({ auth, username, password, root });
  targets.push(target);
  return target;
}

async function backupJob(target: WebdavTarget, auth: 'basic' | 'digest', secret = password): Promise<string> {
  const body = { name: `backup over ${auth}`, tenants: [tenant], categories: [], target: { url: `${target.url}/backups`, auth: { type: auth, username, password: secret } } };
  const job = (await ok(test.call({ method: 'POST', url: '/api/v1/backup-jobs', token: admin, payload: body }), 201)) as { id: string; target: object };
  expect(job.target).toEqual({ url: `${target.url}/backups`, auth, username });
  await jobEvent(test, `backupjob-${job.id}`, (event) => event.type === 'JobCompleted', 20_000);
  return job.id;
}

describe.each(['basic', 'digest'] as const)('backups over WebDAV with %s authentication', (auth) => {
  it('stores each device\'s configuration under <tenant>/<mac>/<timestamp>', async () => {
    const target = await webdav(auth);
    const job = await backupJob(target, auth);
    const details = await jobDetails(test, admin, 'backup-jobs', job);
    expect(details.counts).toEqual({ attempted: 3, inFlight: 0, succeeded: 3, failed: 0 });
    for (const device of details.devices) {
      // The API writes 00:11:22:AA:BB:CC; the backup's path keeps the MAC's 12 hex digits.
      const mac = parseMac(device.mac);
      const sent = readFileSync(configs.get(mac) ?? '');
      expect(device.location).toBe(`${target.url}/backups/${tenant}/${mac}/20260101T000000Z`);
      expect(target.stored(`/backups/${tenant}/${mac}/20260101T000000Z`)).toEqual(sent);
      expect(device.bytes).toBe(sent.length);
    }
    // The password went to the devices, never into the store.
    const events = await test.hub.store.readAll({ maxCount: 100_000 });
    expect(JSON.stringify(events)).not.toContain(password);
  });

  it('shows a wrong password as an error of each device', async () => {
    const target = await webdav(auth);
    const job = await backupJob(target, auth, 'not the password');
    const details = await jobDetails(test, admin, 'backup-jobs', job);
    expect(details.state).toBe('completed');
    expect(details.counts).toEqual({ attempted: 3, inFlight: 0, succeeded: 0, failed: 3 });
    for (const device of details.devices) {
      expect(device).toMatchObject({ status: 'failed', cause: 'error' });
      expect(device.error).toContain('401');
    }
  });
});

describe('restore', () => {
  it('has the device fetch a backup and apply it; a wrong password is the device\'s error', async () => {
    const target = await webdav('digest');
    await backupJob(target, 'digest');
    const mac = macOf(1);
    const url = `${target.url}/backups/${tenant}/${mac}/20260101T000000Z`;
    const configFile = configs.get(mac) ?? '';
    writeFileSync(configFile, 'changed since the backup\n');

    const restored = (await ok(test.call({ method: 'POST', url: `/api/v1/devices/${mac}/restore`, token: admin, payload: { url, auth: { type: 'digest', username, password } } }))) as {
      ok: boolean;
      requestId: string;
    };
    expect(restored.ok).toBe(true);
    expect(readFileSync(configFile)).toEqual(target.stored(`/backups/${tenant}/${mac}/20260101T000000Z`));

    const refused = await test.call({ method: 'POST', url: `/api/v1/devices/${mac}/restore`, token: admin, payload: { url, auth: { type: 'digest', username, password: 'wrong' } } });
    expect(refused.statusCode, refused.body).toBe(502);
    expect((refused.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'device_failed' });
    expect((refused.json() as { error: { message: string } }).error.message).toContain('401');

    const unknown = await test.call({ method: 'POST', url: '/api/v1/devices/02:00:00:00:99:99/restore', token: admin, payload: { url, auth: { type: 'none' } } });
    expect(unknown.statusCode).toBe(404);

    // Both are recorded, each ending told by the device itself.
    const ended = async (requestId: string) => (await test.hub.store.readStream(`restore-${requestId}`)).at(-1);
    expect(await ended(restored.requestId)).toMatchObject({ type: 'RestoreSucceeded', metadata: { actor: { id: `device-${mac}`, role: 'device' } } });
    const requests = await test.hub.store.readAll({ maxCount: 100_000 });
    const refusedId = requests.filter((event) => event.type === 'RestoreRequested').map((event) => event.data.requestId).find((id) => id !== restored.requestId);
    expect(await ended(String(refusedId))).toMatchObject({ type: 'RestoreFailed', data: { cause: 'device-failed', error: expect.stringContaining('401') as unknown } });
    expect(JSON.stringify(requests)).not.toContain(password);
  });
});
