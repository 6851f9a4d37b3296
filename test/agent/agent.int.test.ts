import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentEvents, AgentHandle, AgentOptions } from '../../agent/agent.js';
import { FakeHub } from './fake-hub.js';

const waitMs = 5000;
let dir: string;
let stateFile: string;
let lines: string[];
const hubs: FakeHub[] = [];
const agents: AgentHandle[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-agent-'));
  stateFile = path.join(dir, 'state.json');
  lines = [];
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function hub(port?: number): Promise<FakeHub> {
  const started = await FakeHub.start(port);
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
    categories: ['phones', 'lab'],
    apps: [{ name: 'devices', version: '13r1' }],
    logger: (line) => lines.push(line),
    // Half the ceiling, every time: 10, 20, 40... ms, so tests need no real waiting.
    backoff: { baseMs: 20, maxMs: 200, random: () => 0 },
    ...options,
  });
  agents.push(handle);
  return handle;
}

function next<K extends keyof AgentEvents>(handle: AgentHandle, event: K): Promise<AgentEvents[K]> {
  return once(handle.events, event, { signal: AbortSignal.timeout(waitMs) }) as Promise<AgentEvents[K]>;
}

describe('agent', () => {
  it('says hello with its MAC, inventory and provisioning code', async () => {
    const fakeHub = await hub();
    agent(fakeHub, { code: 'ABCD-1234' });
    const hello = await (await fakeHub.nextConnection()).next();
    expect(hello).toEqual({
      type: 'hello',
      mac: '001122aabbcc',
      model: 'IP232',
      firmware: '13r1',
      apps: [{ name: 'devices', version: '13r1' }],
      categories: ['phones', 'lab'],
      agentVersion: expect.any(String) as string,
      code: 'ABCD-1234',
    });
  });

  it('saves the device password with mode 0600 and presents it, without the code, after reconnecting', async () => {
    const fakeHub = await hub();
    const handle = agent(fakeHub, { code: 'ABCD-1234' });
    const first = await fakeHub.nextConnection();
    await first.next();
    const online = next(handle, 'online');
    first.send({ type: 'welcome', state: 'unassigned' });
    await online;

    const saved = next(handle, 'password');
    first.send({ type: 'device-password', password: 'device-secret' });
    first.send({ type: 'welcome', state: 'assigned', tenant: 'acme' });
    await saved;
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toEqual({ password: 'device-secret' });
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);

    first.socket.close(1001, 'hub going away');
    const hello = await (await fakeHub.nextConnection()).next();
    expect(hello).toMatchObject({ type: 'hello', password: 'device-secret' });
    expect(hello).not.toHaveProperty('code');
    expect(lines.join('\n')).not.toContain('device-secret');
  });

  it('presents the password kept in its state file from an earlier run', async () => {
    fs.writeFileSync(stateFile, JSON.stringify({ password: 'from-before' }), { mode: 0o644 });
    const fakeHub = await hub();
    agent(fakeHub, { code: 'ABCD-1234' });
    expect(await (await fakeHub.nextConnection()).next()).toMatchObject({ password: 'from-before' });
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it('reconnects by itself after the hub restarts, backing off exponentially until it is back', async () => {
    const first = await hub();
    const port = first.port;
    const handle = agent(first);
    const connection = await first.nextConnection();
    await connection.next();
    const online = next(handle, 'online');
    connection.send({ type: 'welcome', state: 'unassigned' });
    await online;

    const retries: number[] = [];
    handle.events.on('offline', ({ retryInMs }) => retries.push(retryInMs));
    const twoFailures = new Promise<void>((resolve) => {
      handle.events.on('offline', () => {
        if (retries.length === 3) resolve();
      });
    });
    await first.close();
    hubs.splice(hubs.indexOf(first), 1);
    await twoFailures;
    expect(retries).toEqual([10, 20, 40]);

    const restarted = await hub(port);
    const again = await restarted.nextConnection();
    expect(await again.next()).toMatchObject({ type: 'hello', mac: '001122aabbcc' });
    const backOnline = next(handle, 'online');
    again.send({ type: 'welcome', state: 'unassigned' });
    await backOnline;

    // Online again resets the backoff: a clean close by the hub is retried after the base delay.
    const offline = next(handle, 'offline');
    again.send({ type: 'closing', cause: 'hub-shutdown' });
    again.socket.close(1001, 'shutting down');
    const [closed] = await offline;
    expect(closed).toMatchObject({ code: 1001, retryInMs: 10 });
    await (await restarted.nextConnection()).next();
    expect(lines.some((line) => line.includes('the hub is closing the connection (hub-shutdown)'))).toBe(true);
  });

  it('keeps waits short after the hub said it is shutting down, until it answers again', async () => {
    const fakeHub = await hub();
    // Without the cap every wait here would be between 10 and 20 s.
    const handle = agent(fakeHub, { backoff: { baseMs: 20_000, maxMs: 60_000, random: () => 0.5 } });
    const connection = await fakeHub.nextConnection();
    await connection.next();
    const online = next(handle, 'online');
    connection.send({ type: 'welcome', state: 'unassigned' });
    await online;
    const offline = next(handle, 'offline');
    connection.send({ type: 'closing', cause: 'hub-shutdown' });
    connection.socket.close(1001, 'shutting down');
    const [closed] = await offline;
    expect(closed.retryInMs).toBe(3750);
  });

  it('gives the tenant password to the --on-password hook on stdin', async () => {
    const out = path.join(dir, 'tenant-password.txt');
    const script = "require('fs').writeFileSync(process.argv[1], require('fs').readFileSync(0))";
    const fakeHub = await hub();
    const handle = agent(fakeHub, { onPassword: `"${process.execPath}" -e "${script}" "${out}"` });
    const connection = await fakeHub.nextConnection();
    await connection.next();
    const ran = next(handle, 'tenant-password');
    connection.send({ type: 'tenant-password', password: 'tenant-secret' });
    const [result] = await ran;
    expect(result).toEqual({ exitCode: 0, signal: null });
    expect(fs.readFileSync(out, 'utf8')).toBe('tenant-secret\n');
    expect(lines.join('\n')).not.toContain('tenant-secret');
  });

  it('reports a failing hook to the hub', async () => {
    const fakeHub = await hub();
    agent(fakeHub, { onPassword: `"${process.execPath}" -e "process.exit(3)"` });
    const connection = await fakeHub.nextConnection();
    await connection.next();
    connection.send({ type: 'tenant-password', password: 'tenant-secret' });
    expect(await connection.next()).toEqual({ type: 'error-report', message: 'password hook finished with exit code 3' });
  });

  it('prints why a provisioning code was refused and stops offering it', async () => {
    const fakeHub = await hub();
    const handle = agent(fakeHub, { code: 'OLD-CODE' });
    const first = await fakeHub.nextConnection();
    expect(await first.next()).toMatchObject({ code: 'OLD-CODE' });
    const refused = next(handle, 'provisioning-refused');
    first.send({ type: 'provisioning-refused', reason: 'expired' });
    expect(await refused).toEqual(['expired']);
    expect(lines).toContainEqual(expect.stringContaining('provisioning code refused (expired)'));

    first.socket.close(1001);
    const hello = await (await fakeHub.nextConnection()).next();
    expect(hello).not.toHaveProperty('code');
    expect(hello).not.toHaveProperty('password');
  });

  it('ignores a malformed hub message, saying so, and stays connected', async () => {
    const fakeHub = await hub();
    const handle = agent(fakeHub);
    const connection = await fakeHub.nextConnection();
    await connection.next();
    connection.socket.send('{"type":"welcome","state":"maybe"}');
    const online = next(handle, 'online');
    connection.send({ type: 'welcome', state: 'unassigned' });
    await online;
    expect(lines).toContainEqual(expect.stringContaining('ignored a message from the hub'));
  });

  it('closes its connection cleanly when stopped', async () => {
    const fakeHub = await hub();
    const handle = agent(fakeHub);
    const connection = await fakeHub.nextConnection();
    await connection.next();
    await handle.stop();
    expect(await connection.closed).toBe(1000);
  });
});
