// `tether jobs` as an operator runs it (the built CLI) against a real `tether serve` whose
// devices are simulated agents on its gateway, each holding its update back until the test
// releases that version: create (and what it refuses, creating nothing), ls as a table and as
// JSON, pause, resume, watch until the job completes, cancel, show (now and --at a moment
// before), and an unknown job.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmwareCatalog, macOf } from '../api/job-fixture.js';
import { SimulatedAgent } from '../api/simulated-agent.js';
import { assertBuilt, eventually, freePort, login, ready, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';
import { jsonLines, Operator } from './cli-operator.js';

const adminPassword = 'jobs-cli-e2e-admin-password';
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Updates to one version wait until it is released. */
class Release {
  private released = false;
  private readonly waiting: (() => void)[] = [];

  wait(): Promise<void> {
    return this.released ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.released = true;
    this.waiting.splice(0).forEach((resolve) => resolve());
  }
}

const releases = new Map<string, Release>();
const releaseOf = (version: string): Release => {
  const known = releases.get(version) ?? new Release();
  releases.set(version, known);
  return known;
};

let dir: string;
let hub: TetherProcess;
let cli: Operator;
let agents: SimulatedAgent[] = [];

async function ok(response: Promise<Response>, status = 200): Promise<unknown> {
  const answered = await response;
  expect(answered.status, await answered.clone().text()).toBe(status);
  return answered.json();
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-jobs-cli-'));
  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '' },
    // A job may complete at once: no devices are reconnecting after this start.
    args: ['--job-resume-grace', '0'],
  });
  await ready(hub);
  cli = new Operator(hub, dir, await login(hub, { password: adminPassword }));
  await ok(cli.api('/tenants', { method: 'POST', body: { id: 'acme', name: 'Acme', password: 'acme-tenant-password' } }), 201);
  const { code } = (await ok(cli.api('/tenants/acme/provisioning-codes', { method: 'POST', body: { maxUses: 10 } }), 201)) as { code: string };
  await ok(cli.api('/catalog/firmware', { method: 'PUT', body: { document: firmwareCatalog(['1.0', '2.0', '3.0']), baseUrl: 'http://artifacts.example/files' } }));
  agents = Array.from(
    { length: 3 },
    (_, i) =>
      new SimulatedAgent({
        url: `ws://127.0.0.1:${hub.port}/gateway`,
        mac: macOf(i),
        code,
        firmware: '1.0',
        outcome: (message) => releaseOf(message.target.version).wait().then(() => ({ ok: true })),
      }),
  );
  await Promise.all(agents.map((agent) => agent.until(() => agent.assigned)));
}, 60_000);

afterAll(async () => {
  cli.killAll();
  await Promise.all(agents.map((agent) => agent.stop()));
  await terminate(hub);
  rmSync(dir, { recursive: true, force: true });
});

const noJobs = async (): Promise<void> => {
  for (const kind of ['update', 'backup']) expect(await ok(cli.api(`/${kind}-jobs`))).toEqual({ items: [], next: null });
};

describe('tether jobs', () => {
  let updateJob = '';

  it('create: refuses bad arguments in one line, exit 1, and creates nothing', async () => {
    const refusals: [readonly string[], RegExp][] = [
      [['--name', 'fw', '--tenant', 'acme', '--firmware', '2.0'], /^tether: validation_failed: name the device categories with --category C \(repeatable\), or --any-category/],
      [['--name', 'fw', '--tenant', 'acme', '--any-category'], /^tether: validation_failed: give the target: --firmware VERSION, --app NAME@VERSION or --software NAME@VERSION\n$/],
      [['--name', 'fw', '--tenant', 'acme', '--any-category', '--firmware', '9.9'], /^tether: validation_failed: firmware version "9.9" is not in the current catalog\n$/],
      [['--name', 'fw', '--tenant', 'nowhere', '--any-category', '--firmware', '2.0'], /^tether: not_found: tenant nowhere not found\n$/],
      [['--name', 'fw', '--tenant', 'acme', '--any-category', '--firmware', '2.0', '--concurrency', '0'], /option '--concurrency <n>' argument '0' is invalid\. expected a whole number from 1 to 1000/],
      [['--name', 'fw', '--tenant', 'acme', '--any-category', '--firmware', '2.0', '--app', 'devices@2.0'], /cannot be used with option/],
      [['--name', 'sw', '--tenant', 'acme', '--any-category', '--app', 'devices@2.0', '--software', 'myapps@2.0'], /cannot be used with option/],
      [['--name', 'sw', '--tenant', 'acme', '--any-category', '--software', 'myapps@2.0'], /^tether: validation_failed: software "myapps" \(no software.json imported\) is not in the current catalog\n$/],
    ];
    for (const [args, message] of refusals) {
      const result = await cli.run(['jobs', 'create', 'update', ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    const backup = await cli.run(['jobs', 'create', 'backup', '--name', 'b', '--tenant', 'acme', '--any-category', '--url', 'http://dav.example/b', '--auth', 'basic']);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/^tether: validation_failed: --auth basic needs --username/);
    const kind = await cli.run(['jobs', 'create', 'restore', '--name', 'r']);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toMatch(/unknown command 'restore'/);

    await noJobs();
    expect(await cli.run(['jobs', 'ls', '--json'])).toMatchObject({ code: 0, stdout: '' });
  });

  it('create: an update job, which starts on the devices online', async () => {
    const result = await cli.run(['jobs', 'create', 'update', '--name', 'firmware 2.0', '--tenant', 'acme', '--category', 'phones', '--firmware', '2.0', '--concurrency', '1']);
    expect(result.code, result.stderr).toBe(0);
    const created = new RegExp(`^update job (${uuid}) created \\((queued|running)\\); follow it with: tether jobs watch \\1\n$`).exec(result.stdout);
    expect(created, result.stdout).not.toBeNull();
    updateJob = created?.[1] ?? '';
    // One device at a time: the first holds its update until 2.0 is released.
    await eventually('an update request sent', 10_000, async () => (agents.some((agent) => agent.updates.length === 1) ? true : undefined));
  });

  it('ls: a table of the jobs, and one JSON object per job', async () => {
    const table = await cli.run(['jobs', 'ls']);
    expect(table.code, table.stderr).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +KIND +STATE +TARGET +TENANTS +SUCCEEDED +FAILED +IN-FLIGHT +CREATED +NAME$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${updateJob} +update +running +firmware 2\\.0 +acme +0 +0 +1 +\\S+ +firmware 2\\.0$`));

    const json = await cli.run(['jobs', 'ls', '--json']);
    expect(jsonLines(json.stdout)).toEqual([
      expect.objectContaining({ id: updateJob, kind: 'update', state: 'running', categories: ['phones'], concurrency: 1, counts: { attempted: 1, inFlight: 1, succeeded: 0, failed: 0 } }),
    ]);
    expect((await cli.run(['jobs', 'ls', '--kind', 'backup', '--json'])).stdout).toBe('');
  });

  it('pause and resume: the job as it is after; a second pause is refused', async () => {
    const paused = await cli.run(['jobs', 'pause', updateJob]);
    expect(paused).toMatchObject({ code: 0, stdout: `update job ${updateJob} paused\n` });
    const again = await cli.run(['jobs', 'pause', updateJob]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`tether: transition_forbidden: job ${updateJob} is paused: it cannot pause\n`);
    expect(((await ok(cli.api(`/update-jobs/${updateJob}`))) as { state: string }).state).toBe('paused');

    const resumed = await cli.run(['jobs', 'resume', updateJob, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonLines(resumed.stdout)).toEqual([expect.objectContaining({ id: updateJob, state: 'running' })]);
  });

  it('watch: a line per change until the job completes, then exit 0', async () => {
    const watch = cli.start(['jobs', 'watch', updateJob, '--interval', '100']);
    await eventually('the first progress line', 10_000, async () => (watch.stdout().includes('\n') ? true : undefined));
    expect(watch.stdout()).toBe('running: 0 of 1 devices settled, succeeded 0, failed 0, in flight 1\n');
    releaseOf('2.0').release();
    expect(await watch.exited).toBe(0);
    const lines = watch.stdout().trimEnd().split('\n');
    expect(lines.at(-1)).toBe('completed: 3 of 3 devices settled, succeeded 3, failed 0, in flight 0');
    // Each line tells something new; no bar or terminal codes in a pipe.
    expect(new Set(lines).size).toBe(lines.length);
    expect(watch.stdout()).not.toContain('\r');
    expect(watch.stdout()).not.toContain('\u001b');
    expect(agents.every((agent) => agent.firmware === '2.0')).toBe(true);
  });

  it('cancel: a job canceled mid-run; watching it ends at once with exit 2', async () => {
    const created = await cli.run(['jobs', 'create', 'update', '--name', 'firmware 3.0', '--tenant', 'acme', '--any-category', '--firmware', '3.0', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const [job] = jsonLines(created.stdout);
    const id = String(job?.id);
    await eventually('an update to 3.0 sent', 10_000, async () => (agents.some((agent) => agent.updates.some((update) => update.target.version === '3.0')) ? true : undefined));

    expect(await cli.run(['jobs', 'cancel', id])).toMatchObject({ code: 0, stdout: `update job ${id} canceled\n` });
    const watch = await cli.run(['jobs', 'watch', id]);
    expect(watch.code).toBe(2);
    expect(watch.stdout).toMatch(/^canceled: \d+ of \d+ devices settled/);
    // As it was when it was created, replayed by the hub.
    const before = await cli.run(['jobs', 'show', id, '--at', String(job?.createdAt), '--json']);
    expect(before.code, before.stderr).toBe(0);
    expect(jsonLines(before.stdout)).toEqual([expect.objectContaining({ id, state: expect.stringMatching(/^(queued|running)$/) })]);

    const listed = jsonLines((await cli.run(['jobs', 'ls', '--json'])).stdout);
    expect(listed.map((listedJob) => [listedJob.id, listedJob.state])).toEqual([
      [id, 'canceled'],
      [updateJob, 'completed'],
    ]);
  });

  it('create backup: the password read from stdin, never shown again', async () => {
    const password = 'dav-secret-password';
    const args = ['jobs', 'create', 'backup', '--name', 'nightly', '--tenant', 'acme', '--any-category', '--url', 'http://127.0.0.1:9/dav', '--auth', 'digest', '--username', 'tether', '--password-stdin'];
    const created = await cli.run(args, { stdin: `${password}\n` });
    expect(created.code, created.stderr).toBe(0);
    const id = new RegExp(`^backup job (${uuid}) created`).exec(created.stdout)?.[1] ?? '';
    const shown = await cli.run(['jobs', 'show', id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^job +${id} \\(backup\\)\n`));
    expect(shown.stdout).toMatch(/\ntarget +http:\/\/127\.0\.0\.1:9\/dav\n/);
    expect(shown.stdout).not.toContain(password);
    expect((await cli.run(['jobs', 'show', id, '--json'])).stdout).not.toContain(password);
    expect((await cli.run(['jobs', 'cancel', id])).stdout).toBe(`backup job ${id} canceled\n`);
    // Both kinds in one list, newest first, cut to the limit.
    const newest = jsonLines((await cli.run(['jobs', 'ls', '--json', '--limit', '2'])).stdout);
    expect(newest.map((listed) => [listed.id === id, listed.kind, listed.state])).toEqual([
      [true, 'backup', 'canceled'],
      [false, 'update', 'canceled'],
    ]);
  });

  it('an unknown job is not found, exit 1; what is not a job id is refused before asking', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const command of ['watch', 'pause', 'show']) {
      const result = await cli.run(['jobs', command, unknown]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`tether: not_found: job ${unknown} not found\n`);
      expect(result.stdout).toBe('');
    }
    const bad = await cli.run(['jobs', 'cancel', 'not-a-job']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/value 'not-a-job' is invalid for argument 'id'\. expected a job id/);
  });
});
