// The CLI as an operator meets it: help, refusals of bad configuration, the first-start
// admin password, a restart, and an offline rebuild.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, login, ready, runCli, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';

const noSecrets = { TETHER_ADMIN_PASSWORD: '', TETHER_TOKEN_SECRET: '', TETHER_EVENTSTORE_URL: '' };

describe('tether CLI', () => {
  let dataDir: string;
  const started: TetherProcess[] = [];

  beforeAll(() => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'tether-cli-'));
  });
  afterAll(() => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const cli = runCli(args, { ...noSecrets, ...env });
    started.push(cli);
    return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
  };

  it('lists its commands and documents serve', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/serve/);
    expect(top.stdout).toMatch(/projections/);
    expect(top.stdout).toMatch(/login/);
    expect(top.stdout).toMatch(/link/);
    const help = await run(['serve', '--help']);
    expect(help.code).toBe(0);
    for (const word of ['--port', '--host', '--data', '--eventstore', '--fsync', '--node-id', '--log-level', 'TETHER_ADMIN_PASSWORD', 'TETHER_TOKEN_SECRET', 'TETHER_EVENTSTORE_URL', '--link-lifetime', '--link-max-per-tenant', 'TETHER_DEVICELINK_MAX_PER_TENANT']) {
      expect(help.stdout).toContain(word);
    }
  });

  const clusterSecrets = { TETHER_TOKEN_SECRET: 'a-cluster-token-secret-of-32-characters-or-more', TETHER_SEAL_KEY: 'ab'.repeat(32) };

  it.each([
    ['a port out of range', ['serve', '--port', '70000'], {}, /TCP port/],
    ['an unknown fsync level', ['serve', '--fsync', 'sometimes'], {}, /normal, full|"normal", "full"/],
    ['an event store URL that is not esdb://', ['serve', '--eventstore', 'http://localhost:2113', '--node-id', 'n1'], clusterSecrets, /esdb:\/\//],
    ['EventStoreDB without its own node id and shared secrets', ['serve', '--eventstore', 'esdb://127.0.0.1:1?tls=false'], {}, /--node-id ID.*TETHER_TOKEN_SECRET.*TETHER_SEAL_KEY/],
    ['EventStoreDB without the shared seal key', ['serve', '--eventstore', 'esdb://127.0.0.1:1?tls=false', '--node-id', 'n1'], { TETHER_TOKEN_SECRET: clusterSecrets.TETHER_TOKEN_SECRET }, /give TETHER_SEAL_KEY/],
    ['a short TETHER_ADMIN_PASSWORD', ['serve'], { TETHER_ADMIN_PASSWORD: 'short' }, /TETHER_ADMIN_PASSWORD must be 8/],
    ['a short TETHER_TOKEN_SECRET', ['serve'], { TETHER_TOKEN_SECRET: 'short' }, /TETHER_TOKEN_SECRET must be at least 32/],
  ])('refuses %s and exits 1', async (_what, args, env, message) => {
    const port = args.includes('--port') ? [] : ['--port', String(await freePort())];
    const result = await run([...args, ...port, '--data', join(dataDir, 'refused')], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('prints a generated admin password once, on the first start only, and keeps its tokens valid across restarts', async () => {
    const dir = join(dataDir, 'first-start');
    const first = serve({ dataDir: dir, port: await freePort(), env: noSecrets });
    started.push(first);
    await ready(first);
    const lines = first.stdout().split('\n').filter((line) => line.startsWith('admin password: '));
    expect(lines).toHaveLength(1);
    const password = lines[0]?.slice('admin password: '.length) ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const token = await login(first, { password });
    expect(statSync(join(dir, 'token-secret')).mode & 0o777).toBe(0o600);
    expect(await terminate(first)).toBe(0);

    const second = serve({ dataDir: dir, port: await freePort(), env: noSecrets });
    started.push(second);
    await ready(second);
    expect(second.stdout()).not.toContain('admin password');
    await login(second, { password });
    const listed = await fetch(`${second.baseUrl}/api/v1/tenants`, { headers: { authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    expect(await terminate(second)).toBe(0);
  });

  it('rebuilds the read models offline', async () => {
    const result = await run(['projections', 'rebuild', '--data', join(dataDir, 'first-start'), '--node-id', 'offline']);
    expect(result.code, result.stderr).toBe(0);
    // Up to the log's last event: the admin, then each run's lease, taken, renewed and ended.
    const db = new Database(join(dataDir, 'first-start', 'events.db'), { readonly: true });
    const { head } = db.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number };
    db.close();
    expect(result.stdout).toMatch(new RegExp(`rebuilt .*readmodels-offline\\.db up to position ${head}\n`));
  });
});
