// `tether admin password` against a real hub process: the new password holds, across a restart
// too (TETHER_ADMIN_PASSWORD only sets the first one), and every token issued before stops working.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, ready, runCli, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';

const firstPassword = 'the first admin password';
const nextPassword = 'the next admin password';
let dir = '';
let port = 0;
let hub: TetherProcess;
const started: TetherProcess[] = [];

const startHub = async (): Promise<TetherProcess> => {
  const hubProcess = serve({ dataDir: join(dir, 'data'), port, env: { TETHER_ADMIN_PASSWORD: firstPassword, TETHER_TOKEN_SECRET: '', TETHER_EVENTSTORE_URL: '' } });
  started.push(hubProcess);
  await ready(hubProcess);
  return hubProcess;
};

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-admin-password-cli-'));
  port = await freePort();
  hub = await startHub();
});

afterAll(async () => {
  await terminate(hub);
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const configFile = (): string => join(dir, 'cli.json');
const env = (): NodeJS.ProcessEnv => ({ TETHER_CONFIG: configFile(), TETHER_HUB: '', TETHER_TOKEN: '', TETHER_CA: '' });

async function tether(args: string[], stdin: string): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string }> {
  const cli = runCli(args, env());
  started.push(cli);
  cli.child.stdin.end(stdin);
  return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
}

const savedToken = (): string => (JSON.parse(readFileSync(configFile(), 'utf8')) as { token: string }).token;
const tenants = (token: string): Promise<number> =>
  fetch(`${hub.baseUrl}/api/v1/tenants`, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.status);

describe('tether admin password', () => {
  it('refuses a password the hub would not take, changing nothing', async () => {
    expect((await tether(['login', '--hub', hub.baseUrl, '--password-stdin'], firstPassword)).code).toBe(0);
    const result = await tether(['admin', 'password', '--password-stdin'], 'short\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tether: validation_failed: .*body\.password/);
    expect(await tenants(savedToken())).toBe(200);
  });

  it('changes it: tokens issued before stop working, the old password too, and a restart keeps the new one', async () => {
    const before = savedToken();
    const changed = await tether(['admin', 'password', '--password-stdin'], `${nextPassword}\n`);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toBe(`admin password changed on ${hub.baseUrl}; tokens issued before no longer work: log in again (tether login)\n`);
    expect(await tenants(before)).toBe(401);

    const again = await tether(['admin', 'password', '--password-stdin'], `${nextPassword}\n`);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('tether: unauthenticated: the token was revoked: log in again\n');

    expect((await tether(['login', '--hub', hub.baseUrl, '--password-stdin'], firstPassword)).code).toBe(1);
    await terminate(hub);
    hub = await startHub();
    expect((await tether(['login', '--hub', hub.baseUrl, '--password-stdin'], firstPassword)).code).toBe(1);
    const renewed = await tether(['login', '--hub', hub.baseUrl, '--password-stdin'], nextPassword);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(await tenants(savedToken())).toBe(200);
  });
});
