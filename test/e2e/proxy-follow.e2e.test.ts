// Acceptance (issue 15): three hub processes on one store (cluster-store.ts), each binding its proxy ports
// on its own loopback address (--link-bind 127.0.0.1/.2/.3, as three machines would on their
// own). A proxy profile disabled through hub A stops listening on hubs B and C within 1 s;
// enabled, edited and removed through any hub, the same on every hub.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterStore } from './cluster-store.js';
import { assertBuilt, eventually, freePort, freePortOutside, login, ready, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const cluster = new ClusterStore('proxy-follow');
const adminPassword = cluster.adminPassword('proxy-follow-admin-password');
const proxy = cluster.name('web');
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const linkPorts = { from: 45400, to: 45429 };
/** How soon every hub acts on a change made through another. */
const withinMs = 1000;

interface HubNode {
  readonly process: TetherProcess;
  /** Where its proxy ports listen. */
  readonly address: string;
}

function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: address });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('a proxy profile on three hub processes', () => {
  let hubs: readonly [HubNode, HubNode, HubNode];
  let token: string;

  const api = async (hub: HubNode, method: string, path: string, body?: object): Promise<number> => {
    const response = await fetch(`${hub.process.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return response.status;
  };

  /** Waits until `port` accepts (or refuses, `open` false) on every hub's address. */
  const onEveryHub = (port: number, open: boolean): Promise<true> =>
    eventually(`port ${port} ${open ? 'open' : 'closed'} on every hub`, withinMs, async () => {
      const states = await Promise.all(hubs.map((hub) => accepts(hub.address, port)));
      return states.every((state) => state === open) ? true : undefined;
    });

  beforeAll(async () => {
    assertBuilt();
    const hub = async (nodeId: string, address: string, offset: number): Promise<HubNode> => {
      const ports = `${linkPorts.from + offset}-${linkPorts.from + offset + 9}`;
      const started = cluster.serve({ port: await freePort(), nodeId, env, args: ['--link-ports', ports, '--link-bind', address] });
      await ready(started);
      return { process: started, address };
    };
    // One after another: the first creates the data directory's secrets, the others read them.
    const a = await hub('node-a', '127.0.0.1', 0);
    const b = await hub('node-b', '127.0.0.2', 10);
    const c = await hub('node-c', '127.0.0.3', 20);
    hubs = [a, b, c];
    token = await login(a.process, { password: adminPassword });
  });
  afterAll(async () => {
    for (const hub of hubs) if (hub.process.child.exitCode === null) await terminate(hub.process);
    await cluster.close();
  });

  it('stops listening on hubs B and C within 1 s once disabled through hub A; enabled, edited and removed through any hub, the same', async () => {
    const [a, b, c] = hubs;
    const first = await freePortOutside(linkPorts);
    const target = { type: 'host', address: '127.0.0.1', port: 9 };
    expect(await api(a, 'POST', '/proxies', { id: proxy, name: 'web', protocol: 'tcp', sourcePort: first, target })).toBe(201);
    await onEveryHub(first, true);

    expect(await api(a, 'POST', `/proxies/${proxy}/disable`, {})).toBe(200);
    await onEveryHub(first, false);

    expect(await api(b, 'POST', `/proxies/${proxy}/enable`, {})).toBe(200);
    await onEveryHub(first, true);

    const second = await freePortOutside(linkPorts);
    expect(await api(c, 'PUT', `/proxies/${proxy}`, { id: proxy, name: 'web', protocol: 'tcp', sourcePort: second, target })).toBe(200);
    await onEveryHub(second, true);
    await onEveryHub(first, false);

    expect(await api(b, 'DELETE', `/proxies/${proxy}`)).toBe(204);
    await onEveryHub(second, false);
  });
});
