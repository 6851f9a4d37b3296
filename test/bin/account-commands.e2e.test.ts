// The admin commands without a device, as an operator runs them (the built CLI) against a real
// `tether serve`: tenants, provisioning codes, auditors, catalogs, relays and the protocol-app
// catalogue. Passwords go in on stdin, never as flags. Each refusal is one line, exit 1, and
// changes nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, login, ready, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';
import { jsonLines, Operator } from './cli-operator.js';

const adminPassword = 'account-cli-e2e-admin-password';

let dir: string;
let hub: TetherProcess;
let cli: Operator;

const firmwareJson = { devices: [{ id: 'IP232', versions: ['13r1'] }], versions: [{ id: '13r1', build: '131705', text: '13r1 dvl [131705]', wiki: '' }] };
const appsJson = {
  apps: [{ id: 'apidemo', folder: 'apidemo', binary: 'apidemo', versions: [{ id: '13r1', build: '131705', label: 'dvl' }], manufacturer: 'innovaphone', title: 'Apidemo', description: 'The Apidemo' }],
};

/** The hub's answer to GET /api/v1<path>, as JSON. */
async function read<T>(path: string): Promise<T> {
  const response = await cli.api(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const tokenOf = async (body: object): Promise<number> =>
  (await fetch(`${hub.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-account-cli-'));
  const artifacts = join(dir, 'artifacts');
  mkdirSync(artifacts);
  writeFileSync(join(artifacts, 'firmware.json'), JSON.stringify(firmwareJson));
  writeFileSync(join(dir, 'apps.json'), JSON.stringify(appsJson));
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ apps: [{ id: 'no-versions' }] }));
  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    args: ['--artifacts', artifacts, '--no-local-relay'],
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '', TETHER_DEVICELINK_PORTS: '46000-46999' },
  });
  await ready(hub);
  cli = new Operator(hub, dir, await login(hub, { password: adminPassword }));
}, 60_000);

afterAll(async () => {
  cli.killAll();
  await terminate(hub);
  rmSync(dir, { recursive: true, force: true });
});

describe('tether tenants', () => {
  it('create reads the password from stdin; ls and show print the tenant', async () => {
    const created = await cli.run(['tenants', 'create', 'acme', '--name', 'Acme Inc', '--password-stdin'], { stdin: 'acme-tenant-password\n' });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('tenant acme created\n');
    expect(await tokenOf({ tenant: 'acme', password: 'acme-tenant-password' })).toBe(200);
    expect((await cli.run(['tenants', 'create', 'beta', '--name', 'Beta', '--json'], { stdin: 'beta-tenant-password' })).code).toBe(0);

    const listed = await cli.run(['tenants', 'ls']);
    expect(listed.code, listed.stderr).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +NAME +GRANTS +PASSWORD DEPLOYMENT +UPDATED$/);
    expect(rows.map((row) => row.split(/ {2,}/).slice(0, 4))).toEqual([
      ['acme', 'Acme Inc', '-', 'on'],
      ['beta', 'Beta', '-', 'on'],
    ]);
    expect(jsonLines((await cli.run(['tenants', 'ls', '--json'])).stdout).map((tenant) => tenant.id)).toEqual(['acme', 'beta']);

    const shown = await cli.run(['tenants', 'show', 'acme']);
    expect(shown.stdout).toMatch(/^id +acme\nname +Acme Inc\n/);
  });

  it('create refuses a password too short, and a tenant that exists, changing nothing', async () => {
    const short = await cli.run(['tenants', 'create', 'gamma', '--name', 'Gamma'], { stdin: 'x' });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^tether: validation_failed: .*body\.password/);
    const again = await cli.run(['tenants', 'create', 'acme', '--name', 'Again'], { stdin: 'another-password' });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('tether: already_exists: tenant acme already exists\n');
    expect((await read<{ items: { id: string; name: string }[] }>('/tenants')).items.map((tenant) => `${tenant.id}:${tenant.name}`)).toEqual(['acme:Acme Inc', 'beta:Beta']);
  });

  it('password changes the tenant password: the old one no longer logs in', async () => {
    const changed = await cli.run(['tenants', 'password', 'acme'], { stdin: 'acme-new-password' });
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toBe('password of tenant acme changed\n');
    expect(await tokenOf({ tenant: 'acme', password: 'acme-new-password' })).toBe(200);
    expect(await tokenOf({ tenant: 'acme', password: 'acme-tenant-password' })).toBe(401);
  });

  it('grant and revoke: a tenant sees another, then no longer', async () => {
    const granted = await cli.run(['tenants', 'grant', 'acme', 'beta']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toBe('tenant acme sees beta\n');
    expect((await read<{ grants: string[] }>('/tenants/acme')).grants).toEqual(['beta']);
    const revoked = await cli.run(['tenants', 'revoke', 'acme', 'beta', '--json']);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: 'acme', grants: [] });
    const unknown = await cli.run(['tenants', 'grant', 'acme', 'nowhere']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('tether: not_found: tenant nowhere not found\n');
  });

  it('password-deployment turns deploying the password off and on', async () => {
    const off = await cli.run(['tenants', 'password-deployment', 'acme', 'off']);
    expect(off.stdout).toBe('password deployment of tenant acme off\n');
    expect((await read<{ passwordDeployment: boolean }>('/tenants/acme')).passwordDeployment).toBe(false);
    expect((await cli.run(['tenants', 'password-deployment', 'acme', 'on'])).code).toBe(0);
    expect((await read<{ passwordDeployment: boolean }>('/tenants/acme')).passwordDeployment).toBe(true);
    const wrong = await cli.run(['tenants', 'password-deployment', 'acme', 'maybe']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/value 'maybe' is invalid for argument 'switch'/);
  });
});

describe('tether codes', () => {
  it('create prints the code once; ls lists it without the code; revoke ends it', async () => {
    const created = await cli.run(['codes', 'create', 'acme', '--max-uses', '2']);
    expect(created.code, created.stderr).toBe(0);
    const [code, line] = created.stdout.trimEnd().split('\n');
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const codeId = /^code (\S+) for tenant acme, 2 devices, until \S+$/.exec(line ?? '')?.[1] ?? '';
    expect(codeId).not.toBe('');

    const listed = await cli.run(['codes', 'ls', 'acme']);
    expect(listed.stdout).toMatch(new RegExp(`^CODE ID +STATE +USES +CREATED +EXPIRES\n${codeId} +\\S+ +0/2 `));
    expect(listed.stdout).not.toContain(code);

    const revoked = await cli.run(['codes', 'revoke', 'acme', codeId]);
    expect(revoked.stdout).toBe(`code ${codeId} revoked\n`);
    expect(jsonLines((await cli.run(['codes', 'ls', 'acme', '--json'])).stdout)).toEqual([]);
  });

  it('refuses a tenant that does not exist', async () => {
    const refused = await cli.run(['codes', 'create', 'nowhere']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('tether: not_found: tenant nowhere not found\n');
  });
});

describe('tether auditors', () => {
  it('create, ls, show, password and rm an auditor; it logs in until disabled', async () => {
    const created = await cli.run(['auditors', 'create', 'alice', '--name', 'Alice Audit', '--tenant', 'acme'], { stdin: 'alice-auditor-password' });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('auditor alice created (tenants: acme)\n');
    expect(await tokenOf({ auditor: 'alice', password: 'alice-auditor-password' })).toBe(200);

    expect((await cli.run(['auditors', 'ls'])).stdout).toMatch(/\nalice +Alice Audit +acme +false +\S+\n$/);
    expect(JSON.parse((await cli.run(['auditors', 'show', 'alice', '--json'])).stdout)).toMatchObject({ id: 'alice', tenants: ['acme'], disabled: false });

    expect((await cli.run(['auditors', 'password', 'alice'], { stdin: 'alice-second-password' })).code).toBe(0);
    expect(await tokenOf({ auditor: 'alice', password: 'alice-second-password' })).toBe(200);
    expect(await tokenOf({ auditor: 'alice', password: 'alice-auditor-password' })).toBe(401);

    const removed = await cli.run(['auditors', 'rm', 'alice', '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({ id: 'alice', disabled: true });
    expect(await tokenOf({ auditor: 'alice', password: 'alice-second-password' })).toBe(401);
  });
});

describe('tether catalog', () => {
  it('imports a file with its base URL, or a URL the hub fetches; show tells where it came from', async () => {
    const uploaded = await cli.run(['catalog', 'import', 'apps', '--file', join(dir, 'apps.json'), '--base-url', 'http://127.0.0.1:9/apps']);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stdout).toBe('apps catalog imported: 1 apps; binaries under http://127.0.0.1:9/apps\n');

    const url = `${hub.baseUrl}/artifacts/firmware.json`;
    expect((await cli.run(['catalog', 'import', 'firmware', '--url', url])).code).toBe(0);
    const shown = await cli.run(['catalog', 'show', 'firmware']);
    expect(shown.stdout).toMatch(new RegExp(`^kind +firmware\nsource +${url}\nbase url +${hub.baseUrl}/artifacts\nimported +\\S+\nlists +1 devices, 1 versions\n$`));
    expect(JSON.parse((await cli.run(['catalog', 'show', 'apps', '--json'])).stdout)).toMatchObject({ kind: 'apps', source: 'upload', document: appsJson });
  });

  it('refuses a file without a base URL before sending, and a malformed file at the hub, changing nothing', async () => {
    const noBase = await cli.run(['catalog', 'import', 'apps', '--file', join(dir, 'apps.json')]);
    expect(noBase.code).toBe(1);
    expect(noBase.stderr).toBe('tether: validation_failed: --file needs --base-url: where the binaries it lists lie\n');
    const broken = await cli.run(['catalog', 'import', 'apps', '--file', join(dir, 'broken.json'), '--base-url', 'http://127.0.0.1:9/apps']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^tether: validation_failed: .*apps/);
    expect((await read<{ document: unknown }>('/catalog/apps')).document).toEqual(appsJson);
  });
});

describe('tether relays', () => {
  it('approve, reset-token and rm a registered relay', async () => {
    const register = { type: 'register', name: 'gas-1', description: 'relay gas-1', hostName: '127.0.0.1', port: 7070, maxSessions: 10, token: 'token-of-gas-1' };
    const registered = await fetch(`${hub.baseUrl}/remote/rsstatus`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(register) });
    expect(((await registered.json()) as { result: string }).result).toBe('SUCCESS');

    const approved = await cli.run(['relays', 'approve', 'gas-1']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toBe('relay gas-1 approved\n');
    expect((await read<{ approved: boolean }>('/relays/gas-1')).approved).toBe(true);

    const reset = await cli.run(['relays', 'reset-token', 'gas-1', '--json']);
    expect(JSON.parse(reset.stdout)).toMatchObject({ name: 'gas-1', approved: false });

    expect((await cli.run(['relays', 'rm', 'gas-1'])).stdout).toBe('relay gas-1 removed\n');
    expect(jsonLines((await cli.run(['relays', 'ls', '--json'])).stdout)).toEqual([]);
    const unknown = await cli.run(['relays', 'approve', 'gas-9']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^tether: not_found: /);
  });
});

describe('tether apps create', () => {
  it('prints the id the hub chose, and nothing else', async () => {
    const created = await cli.run(['apps', 'create', '--file', '-'], { stdin: JSON.stringify({ name: 'SSH', type: 'tcp', devicePort: 22 }) });
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trimEnd();
    expect(created.stdout).toBe(`${id}\n`);
    expect(await read<{ name: string }>(`/protocol-apps/${encodeURIComponent(id)}`)).toMatchObject({ name: 'SSH' });
  });
});
