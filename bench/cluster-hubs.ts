// The cluster benchmark's processes: N `tether serve` nodes on one data directory (the
// multi-node stand-in for a shared store here), each with its own port, --node-id, link
// ports and loopback address for them (--link-bind 127.0.0.N: every node binds every proxy's
// source port), sharing TETHER_TOKEN_SECRET and TETHER_SEAL_KEY as the nodes of a cluster must; and
// real agents (`tether agent`), each connected to one node, their devices in one tenant.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startNode, stopChild } from './child-processes.js';
import type { Child } from './child-processes.js';
import { freePort, hubProfiling, swarmLimits, waitReady } from './hub-process.js';
import { HubApi } from './tunnel-hub-api.js';
import type { DeviceState } from './tunnel-hub-api.js';

const tetherScript = fileURLToPath(new URL('../bin/tether.js', import.meta.url));
const descriptors = 8192;
/** The tenant the agents' devices are assigned to. */
export const clusterTenant = 'bench';
const deviceWaitMs = 30_000;
/** Each node hands out link ports from its own range: they share one machine. */
const linkPortsBase = 46_100;
const linkPortsPerNode = 100;

export interface ClusterNode {
  readonly child: Child;
  readonly port: number;
  readonly api: HubApi;
  /** The address its link and proxy ports listen on. */
  readonly linkHost: string;
}

export interface ClusterAgent {
  readonly child: Child;
  /** As the API names it: 12 hex digits. */
  readonly mac: string;
  /** The node it is connected to. */
  readonly node: ClusterNode;
}

export interface Cluster {
  readonly nodes: readonly ClusterNode[];
  /** Starts an agent connected to `node`, assigns its device to the tenant through that node, and waits until it is online there. */
  addAgent(node: ClusterNode, index: number): Promise<ClusterAgent>;
  stop(): Promise<void>;
}

async function deviceBecomes(api: HubApi, mac: string, wanted: (device: DeviceState) => boolean): Promise<void> {
  const deadline = performance.now() + deviceWaitMs;
  let last: DeviceState | undefined;
  while (performance.now() < deadline) {
    last = await api.device(mac);
    if (last !== undefined && wanted(last)) return;
    await sleep(50);
  }
  throw new Error(`device ${mac} not as wanted within ${deviceWaitMs} ms (last seen: ${JSON.stringify(last)})`);
}

/** A free port none of `count` nodes hands out as a link port: a proxy's source port may not lie in a node's range. */
export async function portOutsideLinks(count: number): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < linkPortsBase || port >= linkPortsBase + count * linkPortsPerNode) return port;
  }
}

/** Each node's link and proxy ports listen on 127.0.0.<index + 1>. */
const linkHostOf = (index: number): string => `127.0.0.${index + 1}`;

function startNodeProcess(dataDir: string, index: number, port: number, env: NodeJS.ProcessEnv): Child {
  const from = linkPortsBase + index * linkPortsPerNode;
  const args = [
    'serve',
    ...['--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'warn'],
    ...['--node-id', `bench-node-${index + 1}`, '--internal-url', `http://127.0.0.1:${port}`, '--link-ports', `${from}-${from + linkPortsPerNode - 1}`, '--link-bind', linkHostOf(index)],
    ...swarmLimits,
  ];
  return startNode(tetherScript, args, { descriptors, nodeArgs: hubProfiling, env });
}

/** Starts `count` nodes on `<workDir>/hub`, logs in on each and creates the tenant through the first. */
export async function startCluster(workDir: string, count: number): Promise<Cluster> {
  const dataDir = join(workDir, 'hub');
  const adminPassword = randomBytes(18).toString('base64url');
  const env = { ...process.env, TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: randomBytes(36).toString('base64url'), TETHER_SEAL_KEY: randomBytes(32).toString('hex') };
  const nodes: ClusterNode[] = [];
  const agents: Child[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(agents.map((agent) => stopChild(agent, 5000)));
    await Promise.all(nodes.map((node) => stopChild(node.child, 20_000)));
  };
  try {
    for (let index = 0; index < count; index += 1) {
      const port = await freePort();
      // One after the other: the first creates the store, and the admin, the others find them.
      const child = startNodeProcess(dataDir, index, port, env);
      nodes.push({ child, port, api: new HubApi(`http://127.0.0.1:${port}`), linkHost: linkHostOf(index) });
      await waitReady(child, port, 60_000);
    }
    for (const node of nodes) await node.api.logIn(adminPassword);
    await nodes[0]?.api.expect(201, 'POST', '/tenants', { id: clusterTenant, name: 'Cluster benchmark', password: randomBytes(18).toString('base64url') });
  } catch (error) {
    await stop();
    throw error;
  }
  const addAgent = async (node: ClusterNode, index: number): Promise<ClusterAgent> => {
    const mac = `0200c1a5${index.toString(16).padStart(4, '0')}`;
    const colons = mac.match(/../g)?.join(':') ?? mac;
    const args = ['agent', '--hub', node.api.baseUrl, '--mac', colons, '--state', join(workDir, `agent-${index}.json`), '--allow', '127.0.0.1:*'];
    const child = startNode(tetherScript, args, { descriptors });
    agents.push(child);
    await deviceBecomes(node.api, mac, (device) => device.online);
    await node.api.expect(200, 'POST', `/devices/${mac}/assign`, { tenant: clusterTenant });
    await deviceBecomes(node.api, mac, (device) => device.tenant === clusterTenant && device.state === 'online');
    return { child, mac, node };
  };
  return { nodes, addAgent, stop };
}
