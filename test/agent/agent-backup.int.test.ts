import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentEvents, AgentHandle, AgentOptions } from '../../agent/agent.js';
import type { AgentConnection } from './fake-hub.js';
import { FakeHub } from './fake-hub.js';
import { WebdavTarget } from './webdav-target.js';

const waitMs = 5000;
let dir: string;
let davRoot: string;
let configFile: string;
const hubs: FakeHub[] = [];
const agents: AgentHandle[] = [];
const targets: WebdavTarget[] = [];

// Every byte value, so nothing is lost to a text encoding on the way.
const configuration = Buffer.concat([Buffer.from('hostname=ip232-lab\nadmin=on\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
const backupPath = '/acme/001122aabbcc/2025-06-01T12-00-00Z';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-agent-backup-'));
  davRoot = path.join(dir, 'dav');
  fs.mkdirSync(davRoot);
  configFile = path.join(dir, 'device.cfg');
  fs.writeFileSync(configFile, configuration);
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  await Promise.all(targets.splice(0).map((target) => target.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function target(auth: 'basic' | 'digest'): Promise<WebdavTarget> {
  const started = await WebdavTarget.start({ auth, username: 'backup', password: 'right-password', root: davRoot });
  targets.push(started);
  return started;
}

async function online(options: Partial<AgentOptions>): Promise<{ connection: AgentConnection; handle: AgentHandle }> {
  const hub = await FakeHub.start();
  hubs.push(hub);
  const handle = startAgent({
    hub: hub.url,
    mac: '00-11-22-AA-BB-CC',
    logger: () => undefined,
    backoff: { baseMs: 20, maxMs: 200, random: () => 0 },
    ...options,
  });
  agents.push(handle);
  const connection = await hub.nextConnection();
  expect((await connection.next()).type).toBe('hello');
  const welcomed = once(handle.events, 'online', { signal: AbortSignal.timeout(waitMs) });
  connection.send({ type: 'welcome', state: 'assigned', tenant: 'acme' });
  await welcomed;
  return { connection, handle };
}

function next<K extends keyof AgentEvents>(handle: AgentHandle, event: K): Promise<AgentEvents[K]> {
  return once(handle.events, event, { signal: AbortSignal.timeout(waitMs) }) as Promise<AgentEvents[K]>;
}

describe('agent backups and restores over WebDAV', () => {
  it('PUTs the --config file with Basic auth, creating the missing collections', async () => {
    const dav = await target('basic');
    const { connection } = await online({ configFile });
    connection.send({
      type: 'backup',
      jobId: 'job-basic',
      url: `${dav.url}${backupPath}`,
      auth: { type: 'basic', username: 'backup', password: 'right-password' },
    });
    expect(await connection.next()).toEqual({ type: 'backup-result', jobId: 'job-basic', ok: true, bytes: configuration.length });
    expect(dav.stored(backupPath)).toEqual(configuration);
  });

  it('PUTs the stdout of --on-backup with Digest auth (it takes precedence over --config)', async () => {
    const dav = await target('digest');
    const script = path.join(dir, 'dump.sh');
    fs.writeFileSync(script, `#!/bin/sh\nprintf 'from the hook\\n'\ncat '${configFile}'\n`, { mode: 0o755 });
    const { connection } = await online({ onBackup: script, configFile: path.join(dir, 'not-used.cfg') });
    connection.send({
      type: 'backup',
      jobId: 'job-digest',
      url: `${dav.url}${backupPath}`,
      auth: { type: 'digest', username: 'backup', password: 'right-password' },
    });
    const expected = Buffer.concat([Buffer.from('from the hook\n'), configuration]);
    expect(await connection.next()).toEqual({ type: 'backup-result', jobId: 'job-digest', ok: true, bytes: expected.length });
    expect(dav.stored(backupPath)).toEqual(expected);
  });

  it.each(['basic', 'digest'] as const)('reports 401 for a wrong %s password and stores nothing', async (auth) => {
    const dav = await target(auth);
    const { connection } = await online({ configFile });
    connection.send({ type: 'backup', jobId: 'job-401', url: `${dav.url}${backupPath}`, auth: { type: auth, username: 'backup', password: 'wrong' } });
    const result = await connection.next();
    expect(result).toMatchObject({ type: 'backup-result', jobId: 'job-401', ok: false });
    expect(result.type === 'backup-result' ? result.error : '').toMatch(/^HTTP 401 Unauthorized/);
    expect(dav.stored(backupPath)).toBeUndefined();
  });

  it('reports a server that cannot be reached, and a device with nothing to back up', async () => {
    const dav = await target('basic');
    const url = dav.url;
    await dav.close();
    targets.splice(0);
    const { connection } = await online({ configFile });
    connection.send({ type: 'backup', jobId: 'job-down', url: `${url}${backupPath}`, auth: { type: 'none' } });
    const down = await connection.next();
    expect(down).toMatchObject({ type: 'backup-result', jobId: 'job-down', ok: false });
    expect(down.type === 'backup-result' ? down.error : '').toContain('ECONNREFUSED');

    const bare = await online({});
    bare.connection.send({ type: 'backup', jobId: 'job-none', url: `${url}${backupPath}`, auth: { type: 'none' } });
    const none = await bare.connection.next();
    expect(none).toMatchObject({ type: 'backup-result', jobId: 'job-none', ok: false });
    expect(none.type === 'backup-result' ? none.error : '').toContain('--config');
  });

  it('GETs a restore with Digest auth and hands the bytes to --on-restore on stdin', async () => {
    const dav = await target('digest');
    const auth = { type: 'digest', username: 'backup', password: 'right-password' } as const;
    const restored = path.join(dir, 'restored.cfg');
    const { connection } = await online({ configFile, onRestore: `cat > '${restored}'` });
    connection.send({ type: 'backup', jobId: 'job-1', url: `${dav.url}${backupPath}`, auth });
    expect(await connection.next()).toMatchObject({ type: 'backup-result', ok: true });

    connection.send({ type: 'restore', requestId: 'restore-1', url: `${dav.url}${backupPath}`, auth });
    expect(await connection.next()).toEqual({ type: 'restore-result', requestId: 'restore-1', ok: true });
    expect(fs.readFileSync(restored)).toEqual(configuration);
  });

  it('replaces the --config file on restore when there is no --on-restore, and reports a missing file', async () => {
    const dav = await target('basic');
    const auth = { type: 'basic', username: 'backup', password: 'right-password' } as const;
    const { connection, handle } = await online({ configFile });
    connection.send({ type: 'backup', jobId: 'job-1', url: `${dav.url}${backupPath}`, auth });
    expect(await connection.next()).toMatchObject({ type: 'backup-result', ok: true });
    fs.writeFileSync(configFile, 'changed since the backup\n');

    connection.send({ type: 'restore', requestId: 'restore-1', url: `${dav.url}${backupPath}`, auth });
    expect(await connection.next()).toEqual({ type: 'restore-result', requestId: 'restore-1', ok: true });
    expect(fs.readFileSync(configFile)).toEqual(configuration);

    const result = next(handle, 'job-result');
    connection.send({ type: 'restore', requestId: 'restore-2', url: `${dav.url}/acme/001122aabbcc/missing`, auth });
    const missing = await connection.next();
    expect(missing).toMatchObject({ type: 'restore-result', requestId: 'restore-2', ok: false });
    expect(missing.type === 'restore-result' ? missing.error : '').toMatch(/^HTTP 404/);
    expect((await result)[0]).toEqual(missing);
    expect(fs.readFileSync(configFile)).toEqual(configuration);
  });

  it('reports a failing --on-restore with what it said on stderr', async () => {
    const dav = await target('basic');
    const auth = { type: 'basic', username: 'backup', password: 'right-password' } as const;
    const { connection } = await online({ configFile, onRestore: "cat > /dev/null; echo 'config rejected: bad checksum' >&2; exit 4" });
    connection.send({ type: 'backup', jobId: 'job-1', url: `${dav.url}${backupPath}`, auth });
    expect(await connection.next()).toMatchObject({ type: 'backup-result', ok: true });
    connection.send({ type: 'restore', requestId: 'restore-1', url: `${dav.url}${backupPath}`, auth });
    expect(await connection.next()).toEqual({
      type: 'restore-result',
      requestId: 'restore-1',
      ok: false,
      error: 'restore hook exited with code 4: config rejected: bad checksum',
    });
  });
});
