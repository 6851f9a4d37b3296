// Acceptance for a change of the hub's address, with real processes: two hubs share one data
// directory (hub A at one port, hub B at another). An agent started with --hub A is told,
// through `tether hub address`, to dial B; when A goes away it comes back online through B, and
// after a restart with only --hub A on its command line it still finds B from its state file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'hub-address-e2e-admin-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const mac = '00:11:22:33:44:a7';

const running = (p: TetherProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

describe('changing the hub address', () => {
  let dir: string;
  let a: TetherProcess;
  let b: TetherProcess;
  const agents: TetherProcess[] = [];

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'tether-hub-address-e2e-'));
    a = serve({ dataDir: join(dir, 'data'), port: await freePort(), nodeId: 'hub-a', env });
    await ready(a);
    b = serve({ dataDir: join(dir, 'data'), port: await freePort(), nodeId: 'hub-b', env });
    await ready(b);
  });
  afterAll(async () => {
    for (const p of [...agents, a, b]) if (running(p)) await terminate(p);
    rmSync(dir, { recursive: true, force: true });
  });

  const agent = (): TetherProcess => {
    const started = runCli(['agent', '--hub', a.baseUrl, '--mac', mac, '--state', join(dir, 'agent.json')]);
    agents.push(started);
    return started;
  };

  async function onlineThrough(hub: TetherProcess, token: string, logs: () => string): Promise<void> {
    await eventually(`the device online through ${hub.baseUrl}`, 15_000, async () => {
      const response = await fetch(`${hub.baseUrl}/api/v1/devices/${mac.replaceAll(':', '')}`, { headers: { authorization: `Bearer ${token}` } });
      const device = response.status === 200 ? ((await response.json()) as { online: boolean }) : undefined;
      return device?.online === true && logs().includes(`connecting to ws://127.0.0.1:${hub.port}/gateway`) ? true : undefined;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${logs()}`, { cause: error });
    });
  }

  it('moves a connected agent to the new address, and keeps it there across a restart', async () => {
    const token = await login(a, { password: adminPassword });
    const first = agent();
    await onlineThrough(a, token, first.stdout);

    const set = runCli(['hub', 'address', b.baseUrl, '--json', '--hub', a.baseUrl, '--token', token]);
    expect(await set.exited, set.stderr()).toBe(0);
    expect(JSON.parse(set.stdout())).toEqual({ urls: [b.baseUrl] });
    await eventually('the agent told the new address', 5000, async () => (first.stdout().includes(`dialed at ${b.baseUrl}`) ? true : undefined));
    expect(JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8'))).toMatchObject({ hubs: [b.baseUrl] });

    // A goes away: the agent dials the address it was told.
    await terminate(a);
    await onlineThrough(b, token, first.stdout);

    await terminate(first);
    const second = agent();
    await onlineThrough(b, token, second.stdout);
    expect(second.stdout()).not.toContain(`connecting to ws://127.0.0.1:${a.port}/gateway`);

    const shown = runCli(['hub', 'address', '--hub', b.baseUrl, '--token', token]);
    expect(await shown.exited).toBe(0);
    expect(shown.stdout().trim()).toBe(b.baseUrl);
  });
});
