import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle, AgentOptions } from '../../agent/agent.js';
import { readState } from '../../agent/state-file.js';
import type { Hello } from '../../domain/gateway/agent-messages.js';
import type { AgentConnection } from './fake-hub.js';
import { FakeHub } from './fake-hub.js';

// Every byte value, so nothing is lost to a text encoding on the way.
const firmware = Buffer.concat([Buffer.from('IP232 firmware 13r2\n'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256))]);
const firmwareSha256 = createHash('sha256').update(firmware).digest('hex');

let dir: string;
let stateFile: string;
let artifacts: http.Server;
let artifactsUrl: string;
let downloads: string[];
const hubs: FakeHub[] = [];
const agents: AgentHandle[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-agent-update-'));
  stateFile = path.join(dir, 'state.json');
  downloads = [];
  artifacts = http.createServer((request, response) => {
    downloads.push(request.url ?? '');
    if (request.url === '/ip232/13r2') response.end(firmware);
    else if (request.url === '/moved') response.writeHead(302, { location: '/ip232/13r2' }).end();
    else response.writeHead(404).end();
  });
  artifacts.listen(0, '127.0.0.1');
  await once(artifacts, 'listening');
  artifactsUrl = `http://127.0.0.1:${(artifacts.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  artifacts.closeAllConnections();
  await new Promise<void>((resolve) => artifacts.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function hub(): Promise<FakeHub> {
  const started = await FakeHub.start();
  hubs.push(started);
  return started;
}

function agent(fakeHub: FakeHub, options: Partial<AgentOptions> = {}): AgentHandle {
  const handle = startAgent({
    hub: fakeHub.url,
    mac: '00-11-22-AA-BB-CC',
    stateFile,
    model: 'IP232',
    firmware: '13r1',
    apps: [{ name: 'devices', version: '13r1' }],
    logger: () => undefined,
    // Long enough that "reconnects at once" is told apart from a backoff.
    backoff: { baseMs: 60_000, maxMs: 60_000, random: () => 0 },
    ...options,
  });
  agents.push(handle);
  return handle;
}

async function hello(connection: AgentConnection): Promise<Hello> {
  const message = await connection.next();
  if (message.type !== 'hello') throw new Error(`expected hello, got ${message.type}`);
  connection.send({ type: 'welcome', state: 'assigned', tenant: 'acme' });
  return message;
}

/** A hook that copies what it was given and notes its argument and environment. */
function recordingHook(exit = 0): string {
  const script = path.join(dir, 'install.sh');
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      `cp "$1" '${dir}/installed.bin'`,
      `printf '%s|%s|%s|%s' "$1" "$TETHER_UPDATE_KIND" "$TETHER_UPDATE_NAME" "$TETHER_UPDATE_VERSION" > '${dir}/hook.txt'`,
      `[ "$1" = "$TETHER_UPDATE_FILE" ] || exit 9`,
      exit === 0 ? 'exit 0' : `echo 'flash write failed at block 7' >&2; exit ${exit}`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return script;
}

const updatesDir = (): string => path.join(dir, 'updates');
const leftInUpdates = (): string[] => (fs.existsSync(updatesDir()) ? fs.readdirSync(updatesDir()) : []);

describe('agent updates', () => {
  it('downloads, verifies, runs the hook with the file, records the version and reconnects at once to report it', async () => {
    const fakeHub = await hub();
    agent(fakeHub, { onUpdate: recordingHook() });
    const first = await fakeHub.nextConnection();
    expect((await hello(first)).firmware).toBe('13r1');

    first.send({ type: 'update', jobId: 'job-1', target: { kind: 'firmware', version: '13r2' }, url: `${artifactsUrl}/moved`, sha256: firmwareSha256.toUpperCase() });
    expect(await first.next()).toEqual({ type: 'update-result', jobId: 'job-1', ok: true });
    await first.closed;

    const second = await fakeHub.nextConnection();
    expect((await hello(second)).firmware).toBe('13r2');
    expect(fs.readFileSync(path.join(dir, 'installed.bin'))).toEqual(firmware);
    const [argument, kind, name, version] = fs.readFileSync(path.join(dir, 'hook.txt'), 'utf8').split('|');
    expect({ kind, name, version }).toEqual({ kind: 'firmware', name: '', version: '13r2' });
    expect(path.dirname(argument ?? '')).toBe(updatesDir());
    expect(leftInUpdates()).toEqual([]);
    expect(readState(stateFile)).toEqual({ firmware: '13r2' });
    expect(downloads).toEqual(['/moved', '/ip232/13r2']);
  });

  it('refuses a download whose sha256 does not match, deletes it, skips the hook and stays connected', async () => {
    const fakeHub = await hub();
    agent(fakeHub, { onUpdate: recordingHook() });
    const connection = await fakeHub.nextConnection();
    await hello(connection);

    const wrong = 'f'.repeat(64);
    connection.send({ type: 'update', jobId: 'job-1', target: { kind: 'firmware', version: '13r2' }, url: `${artifactsUrl}/ip232/13r2`, sha256: wrong });
    expect(await connection.next()).toEqual({
      type: 'update-result',
      jobId: 'job-1',
      ok: false,
      error: `sha256 mismatch for ${artifactsUrl}/ip232/13r2: expected ${wrong}, got ${firmwareSha256}; the download was deleted`,
    });
    expect(leftInUpdates()).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'installed.bin'))).toBe(false);
    expect(readState(stateFile)).toEqual({});

    // Still on the same connection: the next update goes through there.
    connection.send({ type: 'update', jobId: 'job-2', target: { kind: 'firmware', version: '13r2' }, url: `${artifactsUrl}/ip232/13r2`, sha256: firmwareSha256 });
    expect(await connection.next()).toEqual({ type: 'update-result', jobId: 'job-2', ok: true });
  });

  it('answers ok: false with the hook error text, keeps the old version and stays connected', async () => {
    const fakeHub = await hub();
    agent(fakeHub, { onUpdate: recordingHook(3) });
    const connection = await fakeHub.nextConnection();
    await hello(connection);

    connection.send({ type: 'update', jobId: 'job-1', target: { kind: 'app', name: 'devices', version: '13r2' }, url: `${artifactsUrl}/ip232/13r2` });
    expect(await connection.next()).toEqual({
      type: 'update-result',
      jobId: 'job-1',
      ok: false,
      error: 'update hook exited with code 3: flash write failed at block 7',
    });
    expect(fs.readFileSync(path.join(dir, 'hook.txt'), 'utf8').split('|').slice(1)).toEqual(['app', 'devices', '13r2']);
    expect(readState(stateFile)).toEqual({});
    expect(leftInUpdates()).toEqual([]);

    connection.send({ type: 'update', jobId: 'job-2', target: { kind: 'firmware', version: '13r2' }, url: `${artifactsUrl}/nothing-here` });
    const missing = await connection.next();
    expect(missing).toMatchObject({ type: 'update-result', jobId: 'job-2', ok: false });
    expect(missing.type === 'update-result' ? missing.error : '').toContain('HTTP 404');
  });

  it('keeps the file in the state directory without a hook, and reports the app version from then on', async () => {
    const fakeHub = await hub();
    const handle = agent(fakeHub);
    const first = await fakeHub.nextConnection();
    await hello(first);

    first.send({ type: 'update', jobId: 'job-1', target: { kind: 'app', name: 'devices', version: '13r2' }, url: `${artifactsUrl}/ip232/13r2` });
    expect(await first.next()).toEqual({ type: 'update-result', jobId: 'job-1', ok: true });
    const second = await fakeHub.nextConnection();
    expect((await hello(second)).apps).toEqual([{ name: 'devices', version: '13r2' }]);
    expect(fs.readFileSync(path.join(updatesDir(), 'app-devices-13r2'))).toEqual(firmware);

    second.send({ type: 'update', jobId: 'job-2', target: { kind: 'app', name: 'voicemail', version: '1.0' }, url: `${artifactsUrl}/ip232/13r2` });
    expect(await second.next()).toEqual({ type: 'update-result', jobId: 'job-2', ok: true });
    const third = await fakeHub.nextConnection();
    expect((await hello(third)).apps).toEqual([
      { name: 'devices', version: '13r2' },
      { name: 'voicemail', version: '1.0' },
    ]);

    // The versions survive a restart of the agent: they come from the state file.
    await handle.stop();
    agent(fakeHub);
    const afterRestart = await fakeHub.nextConnection();
    const restarted = await hello(afterRestart);
    expect({ firmware: restarted.firmware, apps: restarted.apps }).toEqual({
      firmware: '13r1',
      apps: [
        { name: 'devices', version: '13r2' },
        { name: 'voicemail', version: '1.0' },
      ],
    });
  });
});
