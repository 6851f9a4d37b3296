// `tether users` and `tether login --user user@ID` as people run them (the built CLI) against a
// real `tether serve`: the admin creates an operator, the operator logs in with its own
// password, and what it does is recorded under its name.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, login, ready, runCli, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';
import { jsonLines, Operator } from './cli-operator.js';
import type { CliResult } from './cli-operator.js';

const adminPassword = 'users-cli-e2e-admin-password';

let dir: string;
let hub: TetherProcess;
let admin: Operator;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-users-cli-'));
  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    args: ['--no-local-relay'],
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '', TETHER_DEVICELINK_PORTS: '46000-46999' },
  });
  await ready(hub);
  admin = new Operator(hub, dir, await login(hub, { password: adminPassword }));
  const tenant = await admin.api('/tenants', { method: 'POST', body: { id: 'acme', name: 'Acme', password: 'acme-tenant-password' } });
  expect(tenant.status).toBe(201);
}, 60_000);

afterAll(async () => {
  admin.killAll();
  await terminate(hub);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI as whoever last logged in with this config file. */
async function asSaved(configFile: string, args: readonly string[], stdin?: string): Promise<CliResult> {
  const process = runCli(args, { TETHER_CONFIG: configFile, TETHER_HUB: '', TETHER_TOKEN: '', TETHER_CA: '' });
  admin.started.push(process);
  process.child.stdin.end(stdin ?? '');
  const code = await process.exited;
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}

describe('tether users', () => {
  const config = (): string => join(dir, 'dana.json');

  it('create reads the password from stdin; login --user user@ID logs the person in with it', async () => {
    const created = await admin.run(['users', 'create', 'dana', '--name', 'Dana Diaz', '--role', 'operator', '--tenant', 'acme', '--email', 'dana@example.com', '--password-stdin'], {
      stdin: 'dana-user-password\n',
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('user dana created (operator, tenants: acme)\n');

    const loggedIn = await asSaved(config(), ['login', '--hub', hub.baseUrl, '--user', 'user@dana', '--password-stdin'], 'dana-user-password\n');
    expect(loggedIn.code, loggedIn.stderr).toBe(0);
    expect(loggedIn.stdout).toBe(`logged in to ${hub.baseUrl} as user@dana; token saved in ${config()}\n`);
    expect((JSON.parse(readFileSync(config(), 'utf8')) as { user: string }).user).toBe('user@dana');

    const wrong = await asSaved(join(dir, 'wrong.json'), ['login', '--hub', hub.baseUrl, '--user', 'user@dana', '--password-stdin'], 'not-her-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('tether: unauthenticated: invalid credentials\n');
  });

  it('ls and show print the account, --json as the hub answers', async () => {
    const listed = await admin.run(['users', 'ls', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(jsonLines(listed.stdout)).toEqual([expect.objectContaining({ id: 'dana', role: 'operator', tenants: ['acme'], email: 'dana@example.com', disabled: false })]);
    const table = await admin.run(['users', 'ls']);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+TENANTS\s+DISABLED\s+UPDATED\n/);
    expect(table.stdout).toMatch(/dana\s+Dana Diaz\s+operator\s+acme\s+false/);
    const shown = await admin.run(['users', 'show', 'dana']);
    expect(shown.stdout).toMatch(/^role\s+operator$/m);
  });

  it('an operator may not manage accounts, but changes its own password, which voids its older token', async () => {
    const refused = await asSaved(config(), ['users', 'ls']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('tether: forbidden: role operator may not read user\n');
    const { token: before } = JSON.parse(readFileSync(config(), 'utf8')) as { token: string };
    const changed = await asSaved(config(), ['users', 'password', 'dana', '--password-stdin'], 'dana-second-password\n');
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toBe('password of user dana changed\n');
    const stale = await fetch(`${hub.baseUrl}/api/v1/devices`, { headers: { authorization: `Bearer ${before}` } });
    expect(stale.status).toBe(401);
    // The change is recorded as the person's own.
    const exported = await admin.api('/audit/events?stream=user-dana');
    const lines = jsonLines(await exported.text()) as { type: string; metadata: { actor: { id: string } } }[];
    expect(lines.map((line) => [line.type, line.metadata.actor.id])).toEqual([
      ['UserCreated', 'admin'],
      ['UserPasswordChanged', 'user@dana'],
    ]);
  });

  it('disable, enable and rm, each in one line (or --json)', async () => {
    expect((await admin.run(['users', 'disable', 'dana'])).stdout).toBe('user dana disabled\n');
    const enabled = await admin.run(['users', 'enable', 'dana', '--json']);
    expect(JSON.parse(enabled.stdout)).toMatchObject({ id: 'dana', disabled: false });
    expect((await admin.run(['users', 'rm', 'dana'])).stdout).toBe('user dana deleted\n');
    const gone = await admin.run(['users', 'show', 'dana']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('tether: not_found: user dana not found\n');
  });
});
