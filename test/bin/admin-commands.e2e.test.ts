// The admin and audit commands as an operator runs them (the built CLI) against a real
// `tether serve` with a real `tether agent`: devices ls|show|assign, sessions ls, and a session
// opened and closed through `tether link open` whose timeline `tether audit replay` prints with
// the user, the IPs, the cause and the bytes the device's sockets saw; `tether audit export`
// streams the same events as the API. Each command also fails once, in one line, exit 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';
import { jsonLines, Operator } from './cli-operator.js';

const adminPassword = 'admin-cli-e2e-admin-password';
const mac = '00:11:22:33:44:E1';
const canonicalMac = '0011223344e1';

let dir: string;
let hub: TetherProcess;
let agent: TetherProcess;
let admin: string;
let cli: Operator;
let echo: Server;
const deviceSockets: Socket[] = [];
const started: TetherProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-admin-cli-'));
  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '', TETHER_DEVICELINK_PORTS: '44000-44999' },
  });
  started.push(hub);
  await ready(hub);
  admin = await login(hub, { password: adminPassword });
  cli = new Operator(hub, dir, admin);
  expect((await cli.api('/tenants', { method: 'POST', body: { id: 'acme', name: 'Acme', password: 'acme-tenant-password' } })).status).toBe(201);
  agent = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--state', join(dir, 'agent.json')]);
  started.push(agent);
  await eventually('the device registered', 15_000, async () => ((await cli.api(`/devices/${canonicalMac}`)).status === 200 ? true : undefined));
  echo = createServer((socket) => {
    deviceSockets.push(socket);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  echo.listen(0, '127.0.0.1');
  await new Promise((resolve) => echo.once('listening', resolve));
}, 60_000);

afterAll(async () => {
  echo.close();
  cli.killAll();
  for (const process of started) {
    if (process !== hub && process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
  }
  await terminate(hub);
  rmSync(dir, { recursive: true, force: true });
});

describe('tether devices', () => {
  it('ls: a table of the devices, the new one unassigned', async () => {
    const result = await cli.run(['devices', 'ls']);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^MAC +NAME +SITE +TENANT +STATE +MODEL +FIRMWARE +IP +LAST SEEN$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${mac} +- +- +- +unassigned +`));
  });

  it('ls: refuses a token the hub does not accept', async () => {
    const result = await cli.run(['devices', 'ls'], { token: 'not-a-token' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tether: unauthenticated: the token is invalid or expired\n');
    expect(result.stdout).toBe('');
  });

  it('assign: assigns the device to a tenant; an unknown tenant is refused', async () => {
    const refused = await cli.run(['devices', 'assign', mac, 'nowhere']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('tether: not_found: tenant nowhere not found\n');

    const result = await cli.run(['devices', 'assign', '00-11-22-33-44-e1', 'acme']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`device ${mac} assigned to tenant acme\n`);
    await eventually('the device password delivered', 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
  });

  it('ls --tenant --json: one JSON object per device, as the hub answers', async () => {
    const result = await cli.run(['devices', 'ls', '--tenant', 'acme', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const devices = jsonLines(result.stdout);
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ mac: mac, tenant: 'acme', state: 'online', online: true, ip: '127.0.0.1' });
    expect((await cli.run(['devices', 'ls', '--tenant', 'other', '--json'])).stdout).toBe('');
  });

  it('show: one device as fields; an unknown device is not found', async () => {
    const result = await cli.run(['devices', 'show', canonicalMac]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^mac +${mac}\n`));
    expect(result.stdout).toMatch(/\ntenant +acme\n/);
    expect(result.stdout).toMatch(/\nstate +online\n/);

    const unknown = await cli.run(['devices', 'show', '00:11:22:33:44:E9']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('tether: not_found: device 00:11:22:33:44:E9 not found\n');
  });

  it('show: refuses what is not a MAC before asking the hub', async () => {
    const result = await cli.run(['devices', 'show', 'not-a-mac']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not a MAC address/);
  });
});

describe('a session opened and closed through the CLI', () => {
  let sessionId = '';
  let toDevice = 0;
  let fromDevice = 0;

  beforeAll(async () => {
    const devicePort = (echo.address() as AddressInfo).port;
    const link = cli.start(['link', 'open', mac, '--port', String(devicePort), '--json']);
    const opened = await eventually('the link open', 15_000, async () => {
      const line = link.stdout().split('\n').find((text) => text.startsWith('{'));
      return line === undefined ? undefined : (JSON.parse(line) as { port: number; token: string });
    });
    sessionId = opened.token.slice(0, opened.token.indexOf('.'));

    const payload = Buffer.alloc(150_000, 5);
    const client = connect({ port: opened.port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      let echoed = 0;
      client.on('data', (chunk: Buffer) => {
        echoed += chunk.length;
        if (echoed === payload.length) resolve();
      });
      client.once('error', reject);
      client.write(payload);
    });
    client.end();

    link.child.kill('SIGINT');
    expect(await link.exited).toBe(0);
    await eventually(`session ${sessionId} closed`, 15_000, async () => {
      const session = (await (await cli.api(`/sessions/${sessionId}`)).json()) as { state: string };
      return session.state === 'closed' ? true : undefined;
    });
    await eventually('the device sockets closed', 5000, async () => (deviceSockets.every((socket) => socket.destroyed) ? true : undefined));
    toDevice = deviceSockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
    fromDevice = deviceSockets.reduce((sum, socket) => sum + socket.bytesWritten, 0);
    expect(toDevice).toBe(payload.length);
  }, 60_000);

  it('sessions ls: lists it with its user, address, cause and bytes', async () => {
    const result = await cli.run(['sessions', 'ls', '--device', canonicalMac, '--state', 'closed']);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +KIND +DEVICE +PORT +TENANT +USER +FROM +OPENED +ENDED +CAUSE +BYTES$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${sessionId} +devicelink +${mac} +\\d+ +acme +admin +127\\.0\\.0\\.1 +\\S+ +\\S+ +deleted +${toDevice + fromDevice}$`));

    const json = await cli.run(['sessions', 'ls', '--tenant', 'acme', '--json']);
    expect(jsonLines(json.stdout)).toEqual([expect.objectContaining({ id: sessionId, terminationCause: 'deleted', bytesToDevice: toDevice, bytesFromDevice: fromDevice })]);
  });

  it('sessions ls: refuses a time that is not ISO 8601', async () => {
    const result = await cli.run(['sessions', 'ls', '--from', 'yesterday']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tether: validation_failed: invalid request: query.from\n');
  });

  it('audit replay: prints its timeline with the user, the IPs, the cause and the bytes', async () => {
    const result = await cli.run(['audit', 'replay', sessionId]);
    expect(result.code, result.stderr).toBe(0);
    const total = toDevice + fromDevice;
    expect(result.stdout).toMatch(new RegExp(`^session +${sessionId} \\(devicelink, closed\\)\n`));
    expect(result.stdout).toMatch(new RegExp(`\nopened +\\S+ by admin \\(admin\\) from 127\\.0\\.0\\.1\n`));
    expect(result.stdout).toMatch(/\nclient +127\.0\.0\.1\n/);
    expect(result.stdout).toMatch(/\ndevice ip +127\.0\.0\.1\n/);
    expect(result.stdout).toMatch(/\nclosed +\S+, cause deleted\n/);
    expect(result.stdout).toContain(`\nbytes      ${total} (${toDevice} to the device, ${fromDevice} from it)\n`);

    const table = result.stdout.slice(result.stdout.indexOf('\nAT ') + 1).trimEnd().split('\n');
    expect(table[0]).toMatch(/^AT +EVENT +WHO +IP +DETAILS$/);
    const row = (type: string): string => table.find((line) => line.split(/ +/)[1] === type) ?? `no ${type} row`;
    expect(row('TunnelOpened')).toMatch(new RegExp(`^\\S+ +TunnelOpened +admin \\(admin\\) +127\\.0\\.0\\.1 +.*device=${canonicalMac}`));
    // A TCP stream's open: the client, and the device it is asked of.
    expect(row('TunnelClientAttached')).toMatch(/clientHost=127\.0\.0\.1.*agentIP=127\.0\.0\.1/);
    expect(row('TunnelClosed')).toMatch(
      new RegExp(`^\\S+ +TunnelClosed +admin \\(admin\\) +127\\.0\\.0\\.1 +cause=deleted .*bytesToDevice=${toDevice} bytesFromDevice=${fromDevice} bytesTransferred=${total}$`),
    );
  });

  it('audit replay: an unknown session is not found', async () => {
    const result = await cli.run(['audit', 'replay', 'no-such-session']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tether: not_found: session no-such-session not found\n');
  });

  it('audit export: streams the events of the time range as NDJSON, exactly as the API does', async () => {
    const from = '2020-01-01';
    const to = new Date(Date.now() + 60_000).toISOString();
    const result = await cli.run(['audit', 'export', '--from', from, '--to', to, '--category', 'tunnel']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events.map((event) => event.stream)).toEqual(events.map(() => `tunnel-${sessionId}`));
    expect(events.map((event) => event.type)).toContain('TunnelClosed');
    const direct = await cli.api(`/audit/events?from=${from}&to=${encodeURIComponent(to)}&category=tunnel`);
    expect(result.stdout).toBe(await direct.text());
  });

  it('audit export: refuses a time that is not ISO 8601 and writes nothing', async () => {
    const result = await cli.run(['audit', 'export', '--from', 'last-week']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('tether: validation_failed: invalid request: query.from\n');
  });
});
