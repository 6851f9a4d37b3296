// `tether proxies` and `tether apps` as an operator runs them (the built CLI) against a real
// `tether serve` with a real `tether agent`: a proxy profile made from a JSON file carries bytes
// to a host, closes and opens with disable/enable and goes with rm; a protocol application is
// made, assigned to the device, connected (bytes reach the device's port), disconnected and
// removed. Bad files and unknown ids fail in one line, exit 1, and change nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, freePortOutside, login, ready, runCli, serve, terminate } from '../e2e/tether-process.js';

// The hub's DeviceLink ports: a proxy may not take one.
const linkPorts = { from: 45000, to: 45999 };
import type { TetherProcess } from '../e2e/tether-process.js';
import { jsonLines, Operator } from './cli-operator.js';

const adminPassword = 'forward-cli-e2e-admin-password';
const mac = '00:11:22:33:44:F1';

let dir: string;
let hub: TetherProcess;
let agent: TetherProcess;
let cli: Operator;
let echo: Server;
let echoPort: number;

/** One round trip through `port`: what comes back. */
async function roundTrip(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  socket.end(text);
  let answer = '';
  for await (const chunk of socket) answer += String(chunk);
  return answer;
}

const refusesConnections = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-forward-cli-'));
  echo = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  echo.listen(0, '127.0.0.1');
  await new Promise((resolve) => echo.once('listening', resolve));
  echoPort = (echo.address() as AddressInfo).port;
  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '', TETHER_DEVICELINK_PORTS: `${linkPorts.from}-${linkPorts.to}` },
  });
  await ready(hub);
  cli = new Operator(hub, dir, await login(hub, { password: adminPassword }));
  expect((await cli.api('/tenants', { method: 'POST', body: { id: 'acme', name: 'Acme', password: 'acme-tenant-password' } })).status).toBe(201);
  const issued = (await (await cli.api('/tenants/acme/provisioning-codes', { method: 'POST', body: {} })).json()) as { code: string };
  agent = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--code', issued.code, '--state', join(dir, 'agent.json')]);
  await eventually('the device online in acme', 15_000, async () => {
    const device = (await (await cli.api('/devices/0011223344f1')).json()) as { state?: string; tenant?: string };
    return device.state === 'online' && device.tenant === 'acme' ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  cli.killAll();
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await terminate(hub);
  echo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tether proxies', () => {
  it('creates a profile from a file, lists it, carries bytes, disables, enables and removes it', async () => {
    const sourcePort = await freePortOutside(linkPorts);
    const file = join(dir, 'proxy.json');
    writeFileSync(file, JSON.stringify({ id: 'echo', name: 'Echo', protocol: 'tcp', enabled: true, sourcePort, target: { type: 'host', address: '127.0.0.1', port: echoPort } }));
    const created = await cli.run(['proxies', 'create', '--file', file, '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ id: 'echo', enabled: true, sourcePort });

    const table = await cli.run(['proxies', 'ls']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+PROTOCOL\s+ENABLED\s+PORT\s+TARGET/);
    expect(table.stdout).toContain(`echo  Echo  tcp       true     ${sourcePort}  127.0.0.1:${echoPort}`);
    expect(jsonLines((await cli.run(['proxies', 'ls', '--json'])).stdout).map((proxy) => proxy.id)).toEqual(['echo']);
    expect(await roundTrip(sourcePort, 'through the proxy')).toBe('through the proxy');

    expect((await cli.run(['proxies', 'disable', 'echo'])).stdout).toMatch(/enabled\s+false/);
    expect(await refusesConnections(sourcePort)).toBe(true);
    expect((await cli.run(['proxies', 'enable', 'echo'])).code).toBe(0);
    expect(await roundTrip(sourcePort, 'again')).toBe('again');

    const removed = await cli.run(['proxies', 'rm', 'echo']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await cli.api('/proxies/echo')).status).toBe(404);
  });

  it('fails in one line on a bad file, a refused profile or an unknown id, creating nothing', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"id": "x",');
    const bad = await cli.run(['proxies', 'create', '--file', notJson]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^tether: validation_failed: --file .*not JSON/);

    const refused = await cli.run(['proxies', 'create', '--file', '-'], { stdin: JSON.stringify({ id: 'bad', name: 'Bad', protocol: 'tcp', enabled: true, sourcePort: 70000, target: { type: 'host', address: '127.0.0.1', port: 1 } }) });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^tether: validation_failed: .*sourcePort/);

    const unknown = await cli.run(['proxies', 'show', 'nowhere']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^tether: not_found: /);
    expect(((await (await cli.api('/proxies')).json()) as { items: unknown[] }).items).toEqual([]);
  });
});

describe('tether apps', () => {
  it('makes an application, assigns and connects it to the device, and takes it away again', async () => {
    const created = await cli.run(['apps', 'create', '--file', '-', '--json'], { stdin: JSON.stringify({ name: 'Echo on the device', type: 'tcp', devicePort: echoPort }) });
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'Echo on the device', type: 'tcp' });
    expect((await cli.run(['apps', 'ls'])).stdout).toMatch(new RegExp(`${id}\\s+Echo on the device\\s+tcp`));

    const assigned = await cli.run(['apps', 'assign', id, mac]);
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(assigned.stdout).toBe(`${id} assigned to ${mac} (tenant acme)\n`);

    const connected = await cli.run(['apps', 'connect', id, mac, '--json']);
    expect(connected.code, connected.stderr).toBe(0);
    const { port } = JSON.parse(connected.stdout) as { port: number };
    expect(await roundTrip(port, 'to the device and back')).toBe('to the device and back');
    expect((await cli.run(['apps', 'device', mac])).stdout).toMatch(new RegExp(`${id}\\s+Echo on the device\\s+tcp\\s+acme\\s+true\\s+${port}`));

    expect((await cli.run(['apps', 'disconnect', id, mac])).code).toBe(0);
    expect(await refusesConnections(port)).toBe(true);
    expect((await cli.run(['apps', 'unassign', id, mac])).code).toBe(0);
    expect(jsonLines((await cli.run(['apps', 'device', mac, '--json'])).stdout)).toEqual([]);
    expect((await cli.run(['apps', 'rm', id])).code).toBe(0);
    expect((await cli.api(`/protocol-apps/${id}`)).status).toBe(404);
  });

  it('refuses a malformed MAC before asking the hub, and an unknown application in one line', async () => {
    const malformed = await cli.run(['apps', 'assign', '3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b', 'not-a-mac']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('not-a-mac');
    const unknown = await cli.run(['apps', 'connect', '3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b', mac]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^tether: not_found: /);
  });
});
