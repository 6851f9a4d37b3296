// Acceptance for relays with real processes: `tether serve --no-local-relay`, two `tether relay`
// processes and a real `tether agent`. Sessions spread over both relays and carry bytes; kill -9
// of one relay ends its sessions with cause relay-lost and new sessions go to the other; the
// killed relay restarts with its token file and registers again; another token under its name
// gets FAILURE; a relay at maxSessions gets no new session.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, login, ready, runCli, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'relays-e2e-admin-password';
const joinSecret = 'relays-e2e-join-secret';
const mac = '00:11:22:33:44:E6';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };

interface Opened {
  readonly port: number;
  readonly token: string;
  readonly host: string;
  readonly relay: string;
}

interface Relay {
  readonly name: string;
  readonly connected: boolean;
  readonly isReporting: boolean;
  readonly approved: boolean;
  readonly firstRegistrationDate: string;
  readonly lastRegistrationDate: string;
}

let dir: string;
let hub: TetherProcess;
let agent: TetherProcess;
let admin: string;
let echo: Server;
let devicePort: number;
const relays: Record<string, TetherProcess> = {};
const extra: TetherProcess[] = [];

async function api(method: string, path: string, body?: object): Promise<{ status: number; json: () => Promise<unknown> }> {
  const response = await fetch(`${hub.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: () => response.json() as Promise<unknown> };
}

const relayArgs = (name: string, ports: string, tokenFile: string): string[] => [
  'relay', '--hub', hub.baseUrl, '--name', name, '--host', '127.0.0.1', '--port', '0', '--link-ports', ports,
  '--max-sessions', '2', '--token-file', tokenFile, '--join-secret', joinSecret, '--status-interval', '500', '--log-level', 'warn',
];

function startRelay(name: string, ports: string, tokenFile = join(dir, `${name}.token`)): TetherProcess {
  const relay = runCli(relayArgs(name, ports, tokenFile));
  relays[name] = relay;
  return relay;
}

async function relayView(name: string): Promise<Relay | undefined> {
  const response = await api('GET', `/relays/${name}`);
  return response.status === 200 ? ((await response.json()) as Relay) : undefined;
}

const connected = (name: string): Promise<Relay> =>
  eventually(`relay ${name} connected`, 15_000, async () => {
    const seen = await relayView(name);
    return seen?.connected === true && seen.isReporting ? seen : undefined;
  });

async function openLink(): Promise<{ status: number; body: Opened & { error?: { code: string } } }> {
  const response = await api('POST', `/devicelink/${mac}`, { protocol: 'tcp', devicePort });
  return { status: response.status, body: (await response.json()) as Opened & { error?: { code: string } } };
}

/** Sends a line through the link and reads it back from the echoing device. */
async function roundTrip(opened: Opened): Promise<string> {
  const socket = connect({ host: opened.host, port: opened.port });
  socket.on('error', () => undefined);
  const text = `through ${opened.relay}`;
  const back = await new Promise<string>((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.length >= text.length) resolve(received);
    });
    socket.once('close', () => reject(new Error(`the link through ${opened.relay} closed before echoing`)));
    socket.write(text);
  });
  socket.destroy();
  return back;
}

const tunnelIdOf = (token: string): string => token.slice(0, token.indexOf('.'));

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-relays-e2e-'));
  echo = createServer((socket) => socket.on('error', () => undefined).pipe(socket));
  echo.listen(0, '127.0.0.1');
  await new Promise((resolve) => echo.once('listening', resolve));
  devicePort = (echo.address() as AddressInfo).port;
  const port = await freePort();
  const hubArgs = ['serve', '--port', String(port), '--data', join(dir, 'hub'), '--log-level', 'warn', '--no-local-relay', '--relay-join-secret', joinSecret];
  hub = { ...runCli(hubArgs, env), port, baseUrl: `http://127.0.0.1:${port}` };
  await ready(hub);
  admin = await login(hub, { password: adminPassword });
  expect((await api('POST', '/tenants', { id: 'acme', name: 'Acme', password: 'acme-tenant-password' })).status).toBe(201);
  agent = runCli(['agent', '--hub', hub.baseUrl, '--mac', mac, '--state', join(dir, 'agent.json')]);
  await eventually('the agent online', 15_000, async () => ((await api('GET', `/devices/${mac}`)).status === 200 ? true : undefined));
  expect((await api('POST', `/devices/${mac}/assign`, { tenant: 'acme' })).status).toBe(200);
  await eventually('the device password delivered', 15_000, async () => (agent.stdout().includes('device password received') ? true : undefined));
  startRelay('relay-a', '47000-47499');
  startRelay('relay-b', '47500-47999');
  await Promise.all([connected('relay-a'), connected('relay-b')]);
}, 90_000);

afterAll(async () => {
  echo.close();
  for (const process of [...Object.values(relays), ...extra, agent]) {
    if (process.child.exitCode === null && process.child.signalCode === null) await terminate(process);
  }
  await terminate(hub);
  rmSync(dir, { recursive: true, force: true });
});

describe('relays carrying sessions', () => {
  let onA: Opened;

  it('spreads sessions over both relays, each carrying its bytes', async () => {
    const first = await openLink();
    const second = await openLink();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(new Set([first.body.relay, second.body.relay])).toEqual(new Set(['relay-a', 'relay-b']));
    for (const opened of [first.body, second.body]) {
      expect(opened.host).toBe('127.0.0.1');
      expect(await roundTrip(opened)).toBe(`through ${opened.relay}`);
    }
    onA = first.body.relay === 'relay-a' ? first.body : second.body;
  });

  it('ends the sessions of a relay killed with -9 as relay-lost, and places new ones on the other', async () => {
    const relayA = relays['relay-a'];
    if (relayA === undefined) throw new Error('relay-a is not running');
    relayA.child.kill('SIGKILL');
    await relayA.exited;
    const session = await eventually('the session on relay-a ended', 15_000, async () => {
      const read = (await (await api('GET', `/sessions/${tunnelIdOf(onA.token)}`)).json()) as { state: string; terminationCause?: string };
      return read.state === 'closed' ? read : undefined;
    });
    expect(session.terminationCause).toBe('relay-lost');
    const next = await openLink();
    expect(next).toMatchObject({ status: 201, body: { relay: 'relay-b' } });
    expect(await roundTrip(next.body)).toBe('through relay-b');
  });

  it('takes the killed relay back when it restarts with its token file: it registers again', async () => {
    const before = await relayView('relay-a');
    startRelay('relay-a', '47000-47499');
    // The killed relay may still be seen connected until its end is recorded: wait for the new registration.
    const after = await eventually('relay relay-a registered again', 15_000, async () => {
      const seen = await relayView('relay-a');
      return seen?.connected === true && seen.isReporting && seen.lastRegistrationDate !== before?.lastRegistrationDate ? seen : undefined;
    });
    expect(after.firstRegistrationDate).toBe(before?.firstRegistrationDate);
    expect(Date.parse(after.lastRegistrationDate)).toBeGreaterThan(Date.parse(before?.lastRegistrationDate ?? ''));
  });

  it('answers FAILURE to another token under the same name: that relay does not run', async () => {
    const impostor = runCli(relayArgs('relay-a', '48000-48499', join(dir, 'impostor.token')));
    extra.push(impostor);
    expect(await impostor.exited).not.toBe(0);
    expect(impostor.stderr()).toContain('token-mismatch');
    expect((await relayView('relay-a'))?.connected).toBe(true);
  });

  it('gives a relay at maxSessions no new session', async () => {
    // relay-b carries its 2 sessions; the restarted relay-a takes the next two, then none is left.
    expect(await openLink()).toMatchObject({ status: 201, body: { relay: 'relay-a' } });
    expect(await openLink()).toMatchObject({ status: 201, body: { relay: 'relay-a' } });
    expect(await openLink()).toMatchObject({ status: 503, body: { error: { code: 'no_relay_available' } } });
  });

  it('lists the relays with `tether relays ls`', async () => {
    const listing = runCli(['relays', 'ls', '--json', '--hub', hub.baseUrl, '--token', admin]);
    expect(await listing.exited).toBe(0);
    const listed = listing.stdout().trim().split('\n').map((line) => JSON.parse(line) as Relay & { currentNumberOfSessions: number; maxSessions: number });
    expect(listed.map(({ name, connected, approved }) => ({ name, connected, approved }))).toEqual([
      { name: 'relay-a', connected: true, approved: true },
      { name: 'relay-b', connected: true, approved: true },
    ]);
    const table = runCli(['relays', 'ls', '--hub', hub.baseUrl, '--token', admin]);
    expect(await table.exited).toBe(0);
    expect(table.stdout()).toMatch(/^NAME +HOST +EXTERNAL +REPORTING/);
  });

  it("sends the seed's unregister with `tether relay --unregister`: the relay is not reporting", async () => {
    // Stopping does not unregister, as the seed's GAS does not; the relay must not report any more either.
    const relayB = relays['relay-b'];
    if (relayB === undefined) throw new Error('relay-b is not running');
    expect(await terminate(relayB)).toBe(0);
    expect((await relayView('relay-b'))?.isReporting).toBe(true);
    const unregister = runCli(['relay', '--unregister', '--hub', hub.baseUrl, '--name', 'relay-b', '--host', '127.0.0.1', '--token-file', join(dir, 'relay-b.token')]);
    expect(await unregister.exited).toBe(0);
    expect((await relayView('relay-b'))?.isReporting).toBe(false);
  });
});
