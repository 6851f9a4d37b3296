// `tether login` against a real hub process: the token lands in a 0600 file the other
// commands read, and is printed only when asked for.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, ready, runCli, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';

const password = 'correct horse battery staple';
let dir = '';
let hub: TetherProcess;
const started: TetherProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-login-cli-'));
  hub = serve({
    dataDir: join(dir, 'data'),
    port: await freePort(),
    env: { TETHER_ADMIN_PASSWORD: password, TETHER_TOKEN_SECRET: '', TETHER_EVENTSTORE_URL: '' },
  });
  started.push(hub);
  await ready(hub);
});

afterAll(async () => {
  await terminate(hub);
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function login(args: string[], typed: string, configFile: string): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string }> {
  const cli = runCli(['login', ...args], { TETHER_CONFIG: configFile, TETHER_HUB: '', TETHER_TOKEN: '', TETHER_CA: '' });
  started.push(cli);
  cli.child.stdin.end(typed);
  return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
}

const tenants = (token: string): Promise<number> =>
  fetch(`${hub.baseUrl}/api/v1/tenants`, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.status);

describe('tether login', () => {
  it('saves the hub and a working token in a file only its owner reads, without printing the token', async () => {
    const file = join(dir, 'config', 'cli.json');
    const result = await login(['--hub', `${hub.baseUrl}/`, '--password-stdin'], `${password}\n`, file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`logged in to ${hub.baseUrl} as admin; token saved in ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { hub: string; token: string; user: string };
    expect(saved).toEqual({ hub: hub.baseUrl, token: expect.any(String), user: 'admin' });
    expect(result.stdout + result.stderr).not.toContain(saved.token);
    expect(await tenants(saved.token)).toBe(200);
  });

  it('prints the token on stdout with --print-token, the message on stderr', async () => {
    const file = join(dir, 'printed.json');
    const result = await login(['--hub', hub.baseUrl, '--print-token'], password, file);
    expect(result.code, result.stderr).toBe(0);
    const token = result.stdout.trim();
    expect(token).toBe((JSON.parse(readFileSync(file, 'utf8')) as { token: string }).token);
    expect(await tenants(token)).toBe(200);
    expect(result.stderr).toMatch(/^logged in to .* as admin; token saved in /);
  });

  it('tells a wrong password in one line, exits 1 and writes nothing', async () => {
    const file = join(dir, 'wrong.json');
    const result = await login(['--hub', hub.baseUrl, '--password-stdin'], 'not the password\n', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tether: unauthenticated: invalid credentials\n');
    expect(() => statSync(file)).toThrow(/ENOENT/);
  });

  it('refuses a user it cannot name to the hub', async () => {
    const result = await login(['--hub', hub.baseUrl, '--user', 'root'], password, join(dir, 'root.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/expected admin, tenant-admin@TENANT, auditor@AUDITOR or user@USER/);
  });
});
