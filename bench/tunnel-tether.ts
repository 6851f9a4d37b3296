// The Tether column's processes: a real hub (`tether serve`) and a real agent (`tether agent`)
// on loopback, the agent's device assigned to a tenant so that links to it can be opened.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startNode, stopChild } from './child-processes.js';
import type { Child } from './child-processes.js';
import { exitGuard } from './tunnel-child-ports.js';
import { freePort, hubProfiling, waitReady } from './hub-process.js';
import { HubApi } from './tunnel-hub-api.js';
import type { DeviceState } from './tunnel-hub-api.js';

const tetherScript = fileURLToPath(new URL('../bin/tether.js', import.meta.url));
const descriptors = 4096;
/** A locally administered address: no real device has it. */
export const benchMac = '02:00:00:be:4c:01';
const canonicalMac = benchMac.replaceAll(':', '');
const tenant = 'bench';
const deviceWaitMs = 20_000;

export interface TetherRig {
  readonly hub: Child;
  readonly agent: Child;
  readonly api: HubApi;
  /** `work`, or a failure as soon as the hub or the agent ends. */
  guard<T>(work: Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

async function deviceBecomes(api: HubApi, what: string, wanted: (device: DeviceState) => boolean): Promise<void> {
  const deadline = performance.now() + deviceWaitMs;
  let last: DeviceState | undefined;
  while (performance.now() < deadline) {
    last = await api.device(canonicalMac);
    if (last !== undefined && wanted(last)) return;
    await sleep(50);
  }
  throw new Error(`device ${benchMac} not ${what} within ${deviceWaitMs} ms (last seen: ${JSON.stringify(last)})`);
}

/** Starts both processes, logs in as the admin and assigns the agent's device to a new tenant. */
export async function startTether(dataDir: string): Promise<TetherRig> {
  const port = await freePort();
  const adminPassword = randomBytes(18).toString('base64url');
  const hubArgs = ['serve', '--port', String(port), '--host', '127.0.0.1', '--data', join(dataDir, 'hub'), '--log-level', 'warn'];
  const hub = startNode(tetherScript, hubArgs, { descriptors, nodeArgs: hubProfiling, env: { ...process.env, TETHER_ADMIN_PASSWORD: adminPassword } });
  const api = new HubApi(`http://127.0.0.1:${port}`);
  const agentArgs = ['agent', '--hub', api.baseUrl, '--mac', benchMac, '--state', join(dataDir, 'agent-state.json'), '--allow', '127.0.0.1:*'];
  let agent: Child | undefined;
  const stop = async (): Promise<void> => {
    if (agent) await stopChild(agent, 5000);
    await stopChild(hub, 10_000);
  };
  try {
    await waitReady(hub, port, 60_000);
    await api.logIn(adminPassword);
    await api.expect(201, 'POST', '/tenants', { id: tenant, name: 'Tunnel benchmark', password: randomBytes(18).toString('base64url') });
    agent = startNode(tetherScript, agentArgs, { descriptors });
    const guard = exitGuard({ hub, agent });
    await guard(deviceBecomes(api, 'connected', (device) => device.online));
    await api.expect(200, 'POST', `/devices/${canonicalMac}/assign`, { tenant });
    await guard(deviceBecomes(api, `online in tenant ${tenant}`, (device) => device.tenant === tenant && device.state === 'online'));
    return { hub, agent, api, guard, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
