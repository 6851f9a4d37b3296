// `npm run bench -- cluster`: one hub node against three on this machine (distinct ports, one
// shared data directory), in the same run: how fast simulated agents (the swarm, the real
// protocol) come online, spread evenly over the nodes; and DeviceLink throughput with three
// real agents, each link opened through the node holding its device, carried at once; and,
// with three nodes, one tcp-over-device proxy stream through the port on the node holding its
// device against the port on another node (which has the holding node carry it).
// On one machine the nodes share its CPUs: the ratios show what a node's coordination costs
// (the shared store, leases, followers), not what machines added would give.
// TETHER_BENCH_CLUSTER_DEVICES: simulated devices per run (1,000).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, withChildren } from './child-processes.js';
import { startCluster } from './cluster-hubs.js';
import type { Cluster, ClusterAgent } from './cluster-hubs.js';
import { proxyThroughput } from './cluster-proxy.js';
import type { ProxyTransfers } from './cluster-proxy.js';
import { figure, note, rate } from './figures.js';
import { describeTally, SwarmGroup } from './swarm-group.js';
import { startListening } from './tunnel-child-ports.js';
import type { DevicePorts } from './tunnel-protocol.js';
import { TcpTarget } from './tunnel-tcp-target.js';
import { mibPerSecond, upload } from './tunnel-tcp-transfer.js';

const links = 3;
const bytesPerLink = 64 * 2 ** 20;
const swarmProcesses = 3;
const backoff = { backoffBaseMs: 500, backoffMaxMs: 30_000 };

function requestedDevices(): number {
  const raw = process.env.TETHER_BENCH_CLUSTER_DEVICES ?? '1000';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < swarmProcesses) throw new Error(`TETHER_BENCH_CLUSTER_DEVICES must be a whole number of at least ${swarmProcesses} (got ${JSON.stringify(raw)})`);
  return n;
}

interface RunFigures {
  readonly onlineMs: number;
  readonly online: number;
  readonly linkMibPerSecond: number;
  readonly exact: boolean;
  /** With more than one node. */
  readonly proxy?: ProxyTransfers;
}

/** The swarm's devices split evenly over the nodes, as many swarm processes in all whatever their number. */
async function devicesOnline(cluster: Cluster, devices: number): Promise<{ ms: number; online: number }> {
  const { nodes } = cluster;
  const share = Math.ceil(devices / nodes.length);
  const started = await Promise.all(
    nodes.map((node, i) =>
      SwarmGroup.start({
        url: `ws://127.0.0.1:${node.port}/gateway`,
        mode: 'agent',
        devices: Math.min(share, devices - i * share),
        processes: Math.max(1, Math.round(swarmProcesses / nodes.length)),
        window: 128,
        firstDevice: i * share,
        ...backoff,
      }),
    ),
  );
  try {
    const waits = await Promise.all(started.map(({ swarm }, i) => swarm.waitFor((online) => online >= Math.min(share, devices - i * share), 60_000)));
    const online = waits.reduce((sum, wait) => sum + wait.online, 0);
    const tallies = started.map(({ swarm }) => describeTally({ connects: 0, problems: {} }, swarm.tally()));
    if (!waits.every((wait) => wait.met)) note(`only ${online} of ${devices} online within 60 s (${tallies.join('; ')})`);
    const ms = Math.max(...waits.map((wait) => wait.lastOnlineAt)) - Math.min(...started.map(({ startedAt }) => startedAt));
    return { ms, online };
  } finally {
    await Promise.all(started.map(({ swarm }) => swarm.stop()));
  }
}

/** One link per agent, the agents spread over the nodes, each opened through its agent's node; `bytesPerLink` up each at once. */
async function linkThroughput(cluster: Cluster, sinkPort: number, firstAgent: number): Promise<{ mibPerSecond: number; exact: boolean }> {
  const agents: ClusterAgent[] = [];
  for (let i = 0; i < links; i += 1) {
    const node = cluster.nodes[i % cluster.nodes.length];
    if (node === undefined) throw new Error('a cluster without nodes');
    agents.push(await cluster.addAgent(node, firstAgent + i));
  }
  const opened = await Promise.all(agents.map((agent) => agent.node.api.openLink(agent.mac, 'tcp', sinkPort, 'hub')));
  const started = performance.now();
  const transfers = await Promise.all(opened.map((link, i) => upload(new TcpTarget(link.port, agents[i]?.node.linkHost), bytesPerLink)));
  const ms = performance.now() - started;
  await Promise.all(opened.map((link, i) => agents[i]?.node.api.closeLink(link.token)));
  return { mibPerSecond: mibPerSecond({ bytes: links * bytesPerLink, ms, exact: true }), exact: transfers.every((transfer) => transfer.exact) };
}

async function measure(nodes: number, devices: number, sinkPort: number): Promise<RunFigures> {
  const workDir = mkdtempSync(join(tmpdir(), `tether-bench-cluster-${nodes}-`));
  const remove = (): void => rmSync(workDir, { recursive: true, force: true });
  // Also on SIGINT or SIGTERM, which end the process without running `finally`.
  process.on('exit', remove);
  const cluster = await startCluster(workDir, nodes);
  try {
    const { ms, online } = await devicesOnline(cluster, devices);
    const { mibPerSecond: linkMibPerSecond, exact } = await linkThroughput(cluster, sinkPort, nodes * 100);
    const proxy = nodes > 1 ? await proxyThroughput(cluster, sinkPort, nodes * 100 + links, bytesPerLink) : undefined;
    return { onlineMs: ms, online, linkMibPerSecond, exact, ...(proxy === undefined ? {} : { proxy }) };
  } finally {
    await cluster.stop();
    remove();
    process.off('exit', remove);
  }
}

function print(label: string, devices: number, run: RunFigures): void {
  figure(`${label}: ${devices.toLocaleString('en-US')} devices online in`, run.onlineMs, 'ms');
  figure(`${label}:   devices online per second`, rate(run.online, run.onlineMs), 'devices/s');
  figure(`${label}: ${links} links at once, ${bytesPerLink / 2 ** 20} MiB up each`, run.linkMibPerSecond, 'MiB/s');
  if (!run.exact) note(`${label}: a link did not deliver exactly the bytes sent`);
  if (run.proxy === undefined) return;
  const { local, peer } = run.proxy;
  figure(`${label}: proxy stream, ${bytesPerLink / 2 ** 20} MiB up, port on device's node`, mibPerSecond(local), 'MiB/s');
  figure(`${label}: proxy stream, ${bytesPerLink / 2 ** 20} MiB up, port on another node`, mibPerSecond(peer), 'MiB/s');
  if (!local.exact || !peer.exact) note(`${label}: a proxy stream did not deliver exactly the bytes sent`);
}

export async function clusterBenchmark(): Promise<void> {
  const devices = requestedDevices();
  note(`${devices.toLocaleString('en-US')} simulated devices in ${swarmProcesses} swarm processes; ${links} real agents; ${availableParallelism()} CPUs shared by everything.`);
  note(`load average at the start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine skews the timings).`);
  await withChildren(async () => {
    const device = await startListening<DevicePorts>('tunnel-device-servers', []);
    try {
      const one = await measure(1, devices, device.ports.sink);
      print('1 hub', devices, one);
      const three = await measure(3, devices, device.ports.sink);
      print('3 hubs', devices, three);
      figure('devices online per second, 3 hubs / 1 hub', rate(three.online, three.onlineMs) / rate(one.online, one.onlineMs), 'x');
      figure('link throughput, 3 hubs / 1 hub', three.linkMibPerSecond / one.linkMibPerSecond, 'x');
      if (three.proxy !== undefined) figure("proxy throughput, port on another node / device's node", mibPerSecond(three.proxy.peer) / mibPerSecond(three.proxy.local), 'x');
      note(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    } finally {
      await stopChild(device.child, 2000);
    }
  });
}
