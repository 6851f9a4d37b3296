// Acceptance for devices: `tether serve` and a real `tether agent` process. A fresh
// provisioning code puts the device online in its tenant within 2 s; a restarted agent comes
// back with its password; a restarted hub sees it reconnect by itself; without its state file
// it shows up unassigned. And the same over TLS with a private CA.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'device-e2e-admin-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const mac = '00:11:22:33:44:e1';
const canonical = '0011223344e1';

interface DeviceView {
  readonly mac: string;
  readonly tenant: string | null;
  readonly state: 'unassigned' | 'online' | 'offline';
  readonly online: boolean;
}

/** Agents: stopped after each test. */
const agents: TetherProcess[] = [];
/** Hubs: stopped after all. */
const hubs: TetherProcess[] = [];
const dirs: string[] = [];

function hubProcess(started: TetherProcess): TetherProcess {
  hubs.push(started);
  return started;
}

const running = (p: TetherProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

async function stop(p: TetherProcess): Promise<void> {
  if (running(p)) await terminate(p);
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map(stop));
});
afterAll(async () => {
  await Promise.all(hubs.splice(0).map(stop));
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-device-e2e-'));
  dirs.push(dir);
  return dir;
}

function agent(args: readonly string[]): TetherProcess {
  const started = runCli(['agent', '--mac', mac, '--model', 'IP232', '--firmware', '13r1', '--category', 'phones', ...args]);
  agents.push(started);
  return started;
}

/** The device as the API shows it to the admin, if it has connected at all. */
async function deviceOf(baseUrl: string, token: string): Promise<DeviceView | undefined> {
  const response = await fetch(`${baseUrl}/api/v1/devices/${canonical}`, { headers: { authorization: `Bearer ${token}` } });
  return response.status === 200 ? ((await response.json()) as DeviceView) : undefined;
}

async function deviceIs(what: string, deadlineMs: number, baseUrl: string, token: string, wanted: Partial<DeviceView>, logs: () => string): Promise<void> {
  try {
    await eventually(what, deadlineMs, async () => {
      const device = await deviceOf(baseUrl, token);
      return device !== undefined && Object.entries(wanted).every(([key, value]) => device[key as keyof DeviceView] === value) ? device : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast seen: ${JSON.stringify(await deviceOf(baseUrl, token))}\n${logs()}`, { cause: error });
  }
}

async function api(baseUrl: string, token: string, method: string, path: string, body?: object): Promise<Response> {
  return fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

/** What the log says of the device's connections: [authenticated, nodeId] of each. */
function connections(dataDir: string): { authenticated: boolean; nodeId: string }[] {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const rows = db.prepare("SELECT data FROM events WHERE stream = ? AND type = 'DeviceConnected' ORDER BY position").all(`device-${canonical}`) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as { authenticated: boolean; nodeId: string });
  } finally {
    db.close();
  }
}

describe('a real agent against a real hub', () => {
  let dataDir: string;
  let stateFile: string;
  let port: number;
  let hub: TetherProcess;
  let token: string;
  let code: string;

  beforeAll(async () => {
    assertBuilt();
    dataDir = tempDir();
    stateFile = join(tempDir(), 'agent-state.json');
    port = await freePort();
    hub = hubProcess(serve({ dataDir, port, env }));
    await ready(hub);
    token = await login(hub, { password: adminPassword });
    expect((await api(hub.baseUrl, token, 'POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-password' })).status).toBe(201);
    const issued = await api(hub.baseUrl, token, 'POST', '/tenants/acme/provisioning-codes', {});
    expect(issued.status).toBe(201);
    ({ code } = (await issued.json()) as { code: string });
  });

  it('is online in the code\'s tenant within 2 s, with its password kept in a private state file', async () => {
    const device = agent(['--hub', hub.baseUrl, '--code', code, '--state', stateFile]);
    // The 2 s run from the agent's start, not from the boot of a Node.js process on a busy test machine.
    await eventually('the agent running', 15_000, async () => (device.stdout().includes('connecting to') ? true : undefined));
    await deviceIs('online in acme', 2000, hub.baseUrl, token, { tenant: 'acme', state: 'online' }, () => device.stdout() + device.stderr());
    await eventually('the state file', 2000, async () => (existsSync(stateFile) ? true : undefined));
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    const { password } = JSON.parse(readFileSync(stateFile, 'utf8')) as { password: string };
    const log = ['events.db', 'events.db-wal'].map((name) => join(dataDir, name)).filter((file) => existsSync(file));
    expect(log.length).toBeGreaterThan(0);
    for (const file of log) expect(readFileSync(file).toString('latin1')).not.toContain(password);
    expect(device.stdout()).not.toContain(password);
    await stop(device);
  });

  it('comes back with its password after the agent restarts', async () => {
    await deviceIs('offline', 15_000, hub.baseUrl, token, { state: 'offline', online: false }, () => '');
    const device = agent(['--hub', hub.baseUrl, '--code', code, '--state', stateFile]);
    await deviceIs('online again in acme', 15_000, hub.baseUrl, token, { tenant: 'acme', state: 'online' }, () => device.stdout());
    expect(connections(dataDir).at(-1)?.authenticated).toBe(true);
    expect(device.stdout()).toContain('with the device password');
  });

  it('reconnects by itself after the hub restarts', async () => {
    const device = agent(['--hub', hub.baseUrl, '--state', stateFile]);
    await deviceIs('online in acme', 15_000, hub.baseUrl, token, { tenant: 'acme', state: 'online' }, () => device.stdout());
    const before = connections(dataDir).length;

    expect(await terminate(hub)).toBe(0);
    hub = hubProcess(serve({ dataDir, port, env }));
    await ready(hub);
    await deviceIs('back online in acme after the restart', 20_000, hub.baseUrl, token, { tenant: 'acme', state: 'online' }, () => device.stdout() + hub.stderr());
    const after = connections(dataDir);
    expect(after.length).toBeGreaterThan(before);
    expect(after.at(-1)?.authenticated).toBe(true);
    expect(device.stdout()).toContain('hub-shutdown');
  });

  it('shows up unassigned once its state file is gone', async () => {
    await deviceIs('offline', 15_000, hub.baseUrl, token, { state: 'offline' }, () => '');
    rmSync(stateFile);
    const device = agent(['--hub', hub.baseUrl, '--state', stateFile]);
    await deviceIs('online, unassigned', 15_000, hub.baseUrl, token, { tenant: null, state: 'unassigned', online: true }, () => device.stdout());
    expect(connections(dataDir).at(-1)?.authenticated).toBe(false);
  });
});

describe('a real agent against a hub serving TLS', () => {
  it('connects over wss when given the private CA, and not without it', async () => {
    assertBuilt();
    const dir = tempDir();
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    const ca = readFileSync(cert);
    const port = await freePort();
    const baseUrl = `https://127.0.0.1:${port}`;
    const hub = hubProcess(runCli(['serve', '--port', String(port), '--data', join(dir, 'data'), '--log-level', 'warn', '--tls-cert', cert, '--tls-key', key], env));

    const call = (method: string, path: string, token?: string, body?: object): Promise<{ status: number; json: unknown }> =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(`${baseUrl}${path}`, {
          method,
          ca,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}) },
        }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text === '' ? undefined : (JSON.parse(text) as unknown) }));
        });
        req.once('error', reject);
        req.end(payload);
      });

    await eventually('the TLS hub ready', 20_000, async () => ((await call('GET', '/readyz')).status === 200 ? true : undefined));
    const login = await call('POST', '/api/v1/auth/login', undefined, { password: adminPassword });
    const { token } = login.json as { token: string };

    const untrusting = agent(['--hub', baseUrl]);
    await eventually('the agent refusing an unknown certificate', 15_000, async () => (/self[- ]signed certificate/.test(untrusting.stdout()) ? true : undefined));
    await stop(untrusting);

    const trusting = agent(['--hub', baseUrl, '--ca', cert]);
    await eventually('the device online over wss', 15_000, async () => {
      const device = await call('GET', `/api/v1/devices/${canonical}`, token);
      return device.status === 200 && (device.json as DeviceView).online ? true : undefined;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${trusting.stdout()}\n${hub.stderr()}`, { cause: error });
    });
  });
});

describe('the CLI for devices', () => {
  const finished = async (p: TetherProcess): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string }> => {
    const code = await p.exited;
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  };

  it('documents agent and the TLS and seal-key settings of serve', async () => {
    assertBuilt();
    const top = await finished(runCli(['--help']));
    expect(top.stdout).toMatch(/agent/);
    const agentHelp = await finished(runCli(['agent', '--help']));
    for (const option of ['--hub', '--mac', '--code', '--state', '--model', '--firmware', '--category', '--on-password', '--ca']) expect(agentHelp.stdout).toContain(option);
    const serveHelp = await finished(runCli(['serve', '--help']));
    for (const word of ['--tls-cert', '--tls-key', 'TETHER_SEAL_KEY', '/gateway']) expect(serveHelp.stdout).toContain(word);
  });

  it('refuses half a TLS configuration and a malformed seal key, in one line', async () => {
    const dir = tempDir();
    const half = await finished(runCli(['serve', '--data', dir, '--port', String(await freePort()), '--tls-cert', join(dir, 'cert.pem')], env));
    expect(half.code).toBe(1);
    expect(half.stderr.trim()).toBe('tether: --tls-cert and --tls-key go together: give both, or neither for plain http');
    const badKey = await finished(runCli(['serve', '--data', dir, '--port', String(await freePort())], { ...env, TETHER_SEAL_KEY: 'not-hex' }));
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('TETHER_SEAL_KEY must be 64 hex digits');
  });

  it('refuses a malformed MAC before connecting', async () => {
    const refused = await finished(runCli(['agent', '--hub', 'http://127.0.0.1:1', '--mac', '00:11:22']));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('00:11:22:AA:BB:CC');
  });
});
