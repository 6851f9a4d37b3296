// Acceptance for software updates (issue 18, point 5): `tether serve --artifacts DIR` serves a
// software binary and its software.json, imported with `tether catalog import software`; a real
// `tether agent --software myapps@1.0` process; `tether jobs create update --software
// myapps@2.0`: the agent downloads the binary, hands it to its --on-update hook, reports the
// new version, and the job completes. Restarted, the agent still reports the version installed.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import { jsonLines, Operator } from '../bin/cli-operator.js';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'software-e2e-admin-password';
const mac = '00:11:22:33:44:5f';
const canonical = '00112233445f';
const binary = Buffer.from('myApps 2.0 build 20\n'.repeat(2000));

interface DeviceView {
  readonly state: string;
  readonly connectedSince: string | null;
  readonly software: readonly { name: string; version: string }[];
}

let dir: string;
let hub: TetherProcess;
let cli: Operator;
const agents: TetherProcess[] = [];

const running = (p: TetherProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

async function ok(response: Promise<Response>, status = 200): Promise<unknown> {
  const answered = await response;
  expect(answered.status, await answered.clone().text()).toBe(status);
  return answered.json();
}

function agent(args: readonly string[]): TetherProcess {
  const hook = join(dir, 'install-hook.sh');
  const started = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--model', 'IP232', '--state', join(dir, 'agent-state.json'), '--on-update', `sh ${hook}`, ...args]);
  agents.push(started);
  return started;
}

async function deviceShows(what: string, agentProcess: TetherProcess, wanted: (device: DeviceView) => boolean): Promise<DeviceView> {
  try {
    return await eventually(what, 20_000, async () => {
      const response = await cli.api(`/devices/${canonical}`);
      const device = response.status === 200 ? ((await response.json()) as DeviceView) : undefined;
      return device !== undefined && wanted(device) ? device : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\nagent: ${agentProcess.stdout()}${agentProcess.stderr()}\nhub: ${hub.stderr()}`, { cause: error });
  }
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-software-e2e-'));
  const artifacts = join(dir, 'artifacts');
  mkdirSync(join(artifacts, 'myapps', '20'), { recursive: true });
  writeFileSync(join(artifacts, 'myapps', '20', 'myapps.bin'), binary);
  const software = {
    software: [
      {
        id: 'myapps',
        folder: 'myapps',
        binary: 'myapps.bin',
        versions: [
          { id: '1.0', build: '10', label: 'dvl' },
          { id: '2.0', build: '20', label: 'dvl', sha256: createHash('sha256').update(binary).digest('hex') },
        ],
        manufacturer: 'example',
        title: 'myApps',
        description: 'myApps for the device',
      },
    ],
  };
  writeFileSync(join(artifacts, 'software.json'), JSON.stringify(software));
  // The device's installer: keeps the file and what it was told it is.
  const hook = join(dir, 'install-hook.sh');
  writeFileSync(hook, `cp "$1" "${join(dir, 'installed.bin')}"\nprintf '%s %s %s' "$TETHER_UPDATE_KIND" "$TETHER_UPDATE_NAME" "$TETHER_UPDATE_VERSION" > "${join(dir, 'installed.txt')}"\n`);
  chmodSync(hook, 0o700);
  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '' },
    args: ['--artifacts', artifacts, '--job-resume-grace', '0'],
  });
  await ready(hub);
  cli = new Operator(hub, dir, await login(hub, { password: adminPassword }));
  await ok(cli.api('/tenants', { method: 'POST', body: { id: 'acme', name: 'Acme', password: 'acme-tenant-password' } }), 201);
}, 60_000);

afterAll(async () => {
  cli.killAll();
  await Promise.all(agents.filter(running).map(terminate));
  if (running(hub)) await terminate(hub);
  rmSync(dir, { recursive: true, force: true });
});

describe('a software update with real processes', () => {
  it("installs myapps 2.0 of software.json through the agent's hook; the device reports it and the job completes", async () => {
    const imported = await cli.run(['catalog', 'import', 'software', '--url', `${hub.baseUrl}/artifacts/software.json`]);
    expect(imported.code, imported.stderr).toBe(0);
    const { code } = (await ok(cli.api('/tenants/acme/provisioning-codes', { method: 'POST', body: {} }), 201)) as { code: string };

    const device = agent(['--code', code, '--software', 'myapps@1.0']);
    await deviceShows('the device online in acme with myapps 1.0', device, (view) => view.state === 'online' && view.software.some((entry) => entry.version === '1.0'));

    const created = await cli.run(['jobs', 'create', 'update', '--name', 'myapps 2.0', '--tenant', 'acme', '--any-category', '--software', 'myapps@2.0', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const [job] = jsonLines(created.stdout);
    expect(job).toMatchObject({ kind: 'update', target: { kind: 'software', name: 'myapps', version: '2.0' } });
    const jobId = String(job?.id);

    const finished = await eventually('the job completed', 30_000, async () => {
      const view = (await ok(cli.api(`/update-jobs/${jobId}`))) as { state: string; counts: unknown; devices: unknown };
      return view.state === 'completed' ? view : undefined;
    });
    expect(finished.counts).toEqual({ attempted: 1, inFlight: 0, succeeded: 1, failed: 0 });
    expect(finished.devices).toMatchObject([{ mac: formatMac(canonical), status: 'succeeded', fromVersion: '1.0' }]);
    expect(readFileSync(join(dir, 'installed.bin'))).toEqual(binary);
    expect(readFileSync(join(dir, 'installed.txt'), 'utf8')).toBe('software myapps 2.0');
    const updated = await deviceShows('the device reporting myapps 2.0', device, (view) => view.software.length === 1 && view.software[0]?.version === '2.0');
    const shown = await cli.run(['devices', 'show', canonical]);
    expect(shown.stdout).toMatch(/software\s+myapps 2\.0/);

    // Restarted with the same --software 1.0, the agent reports what the update installed.
    await terminate(device);
    const restarted = agent(['--software', 'myapps@1.0']);
    await deviceShows('the restarted device online again', restarted, (view) => view.state === 'online' && view.connectedSince !== updated.connectedSince);
    expect(JSON.parse(readFileSync(join(dir, 'agent-state.json'), 'utf8'))).toMatchObject({ software: { myapps: '2.0' } });
    const view = (await ok(cli.api(`/devices/${canonical}`))) as DeviceView;
    expect(view.software).toEqual([{ name: 'myapps', version: '2.0' }]);
  }, 90_000);
});
