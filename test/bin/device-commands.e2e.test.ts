// The device commands a real `tether agent` answers, as an operator runs them (the built CLI)
// against a real `tether serve`: a UDP DeviceLink served on a local UDP port (clear and
// encrypted), a restore the device fetches with Basic auth, its name, site and categories, and
// taking the device out of its tenant. Refusals are one line, exit 1, and change nothing.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';
import { Operator } from './cli-operator.js';

const adminPassword = 'device-cli-e2e-admin-password';
const mac = '00:11:22:33:44:D1';
const canonicalMac = '0011223344d1';
const backup = 'restored configuration\n';
const davAuthorization = `Basic ${Buffer.from('backup:dav-password').toString('base64')}`;

let dir: string;
let hub: TetherProcess;
let agent: TetherProcess;
let cli: Operator;
let udpEcho: UdpSocket;
let dav: Server;

const listening = (server: Server): Promise<void> => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

/** One datagram to `port` on 127.0.0.1 and the first answer, within 10 s. */
async function exchange(port: number, text: string): Promise<string> {
  const socket = createSocket('udp4');
  try {
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from port ${port} within 10 s`)), 10_000);
      socket.once('message', (message) => {
        clearTimeout(timer);
        resolve(message.toString());
      });
    });
    socket.send(text, port, '127.0.0.1');
    return await answer;
  } finally {
    socket.close();
  }
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-device-cli-'));
  udpEcho = createSocket('udp4');
  udpEcho.on('message', (message, from) => udpEcho.send(message, from.port, from.address));
  await new Promise<void>((resolve) => udpEcho.bind(0, '127.0.0.1', resolve));
  dav = createServer((request, response) => {
    if (request.headers.authorization !== davAuthorization) return void response.writeHead(401, { 'www-authenticate': 'Basic realm="dav"' }).end();
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(backup);
  });
  await listening(dav);
  writeFileSync(join(dir, 'device.conf'), 'factory configuration\n');

  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '', TETHER_DEVICELINK_PORTS: '47000-47999' },
  });
  await ready(hub);
  cli = new Operator(hub, dir, await login(hub, { password: adminPassword }));
  expect((await cli.api('/tenants', { method: 'POST', body: { id: 'acme', name: 'Acme', password: 'acme-tenant-password' } })).status).toBe(201);
  agent = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--state', join(dir, 'agent.json'), '--config', join(dir, 'device.conf')]);
  await eventually('the device registered', 15_000, async () => ((await cli.api(`/devices/${canonicalMac}`)).status === 200 ? true : undefined));
  expect((await cli.api(`/devices/${canonicalMac}/assign`, { method: 'POST', body: { tenant: 'acme' } })).status).toBe(200);
  await eventually('the device password delivered', 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
}, 60_000);

afterAll(async () => {
  cli.killAll();
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await terminate(hub);
  udpEcho.close();
  dav.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tether link open --udp', () => {
  for (const encrypt of [false, true]) {
    it(`serves a UDP link on a local UDP port${encrypt ? ', encrypted' : ''}; Ctrl-C closes it`, async () => {
      const devicePort = (udpEcho.address() as AddressInfo).port;
      const link = cli.start(['link', 'open', mac, '--udp', '--port', String(devicePort), '--timeout', '60000', '--json', ...(encrypt ? ['--encrypt'] : [])]);
      const opened = await eventually('the link open', 15_000, async () => {
        const line = link.stdout().split('\n').find((text) => text.startsWith('{'));
        return line === undefined ? undefined : (JSON.parse(line) as { port: number; token: string; protocol: string; encrypted: boolean });
      });
      expect(opened).toMatchObject({ protocol: 'udp', encrypted: encrypt });
      expect(await exchange(opened.port, 'a datagram to the device')).toBe('a datagram to the device');

      link.child.kill('SIGINT');
      expect(await link.exited).toBe(0);
      const sessionId = opened.token.slice(0, opened.token.indexOf('.'));
      const session = (await (await cli.api(`/sessions/${sessionId}`)).json()) as { protocol: string; state: string; terminationCause: string; encrypted: boolean };
      expect(session).toMatchObject({ protocol: 'udp', state: 'closed', terminationCause: 'deleted', encrypted: encrypt });
    });
  }

  it('says so and exits 1 once the hub closed the link for being idle', async () => {
    const devicePort = (udpEcho.address() as AddressInfo).port;
    const link = cli.start(['link', 'open', mac, '--udp', '--port', String(devicePort), '--timeout', '300', '--json']);
    const opened = await eventually('the link open', 15_000, async () => {
      const line = link.stdout().split('\n').find((text) => text.startsWith('{'));
      return line === undefined ? undefined : (JSON.parse(line) as { port: number; token: string });
    });
    const sessionId = opened.token.slice(0, opened.token.indexOf('.'));
    await eventually('the link idled out', 15_000, async () => {
      const session = (await (await cli.api(`/sessions/${sessionId}`)).json()) as { state: string; terminationCause?: string };
      return session.state === 'closed' ? session.terminationCause : undefined;
    }).then((cause) => expect(cause).toBe('idle-timeout'));

    // The hub's closed port answers the next datagram with "port unreachable".
    const sender = createSocket('udp4');
    await new Promise<void>((resolve, reject) => sender.send('anyone there?', opened.port, '127.0.0.1', (error) => (error === null ? resolve() : reject(error))));
    sender.close();
    expect(await link.exited).toBe(1);
    expect(link.stderr()).toMatch(/^tether: link_closed: the hub closed the link: /);
  });

  it('refuses --timeout for a TCP link before asking the hub', async () => {
    const refused = await cli.run(['link', 'open', mac, '--port', '22', '--timeout', '1000']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('tether: validation_failed: --timeout is for UDP links (--udp)\n');
  });
});

describe('tether devices restore', () => {
  it('has the device fetch the file with the WebDAV password read from stdin', async () => {
    const url = `http://127.0.0.1:${(dav.address() as AddressInfo).port}/acme/${canonicalMac}/2026-01-01T00-00-00Z`;
    const restored = await cli.run(['devices', 'restore', mac, '--url', url, '--auth', 'basic', '--username', 'backup', '--password-stdin'], { stdin: 'dav-password\n' });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`^device ${mac} restored from ${url} \\(request [0-9a-f-]{36}\\)\n$`));
    expect(readFileSync(join(dir, 'device.conf'), 'utf8')).toBe(backup);
  });

  it('refuses a username with --auth none before asking for anything', async () => {
    const refused = await cli.run(['devices', 'restore', mac, '--url', 'http://127.0.0.1:9/file', '--username', 'backup']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('tether: validation_failed: --auth none takes no --username or password\n');
  });
});

describe('tether devices set', () => {
  it('names the device, puts it at a site and gives it categories; the list finds it by them', async () => {
    const set = await cli.run(['devices', 'set', mac, '--name', 'PC m01', '--site', 'Berlin', '--category', 'lab', '--category', 'pcs']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(`device ${mac} set\n`);
    const listed = await cli.run(['devices', 'ls', '--site', 'Berlin', '--category', 'pcs', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ mac: mac, name: 'PC m01', site: 'Berlin', adminCategories: ['lab', 'pcs'] });
    const cleared = await cli.run(['devices', 'set', mac, '--clear-name', '--clear-categories', '--json']);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ name: null, site: 'Berlin', adminCategories: [] });
  });

  it('refuses a set with nothing to set, and a name past 100 characters naming the field', async () => {
    const nothing = await cli.run(['devices', 'set', mac]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^tether: validation_failed: nothing to set/);
    const long = await cli.run(['devices', 'set', mac, '--name', 'x'.repeat(101)]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('body.name');
  });
});

describe('tether devices unassign', () => {
  it('takes the device out of its tenant', async () => {
    const unassigned = await cli.run(['devices', 'unassign', mac]);
    expect(unassigned.code, unassigned.stderr).toBe(0);
    expect(unassigned.stdout).toBe(`device ${mac} unassigned\n`);
    expect(((await (await cli.api(`/devices/${canonicalMac}`)).json()) as { tenant: string | null }).tenant).toBeNull();
  });
});
