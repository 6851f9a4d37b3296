// The cluster benchmark's proxy figure pair: one tcp-over-device proxy to the device's sink,
// its device held by the last node, and `bytes` up one stream through its source port on that
// node (the node dials the device itself) and then on the first node (which asks the holding
// node for the stream: a second hop, node to node, over an HTTP upgrade).
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTenant, portOutsideLinks } from './cluster-hubs.js';
import type { Cluster, ClusterNode } from './cluster-hubs.js';
import { TcpTarget } from './tunnel-tcp-target.js';
import { upload } from './tunnel-tcp-transfer.js';
import type { Transfer } from './tunnel-tcp-transfer.js';

const proxyId = 'bench-sink';
const bindWaitMs = 30_000;
/** What the first stream through each port carries, tried again until that node has bound it. */
const probeBytes = 1024;

export interface ProxyTransfers {
  /** Through the port on the node holding the device. */
  readonly local: Transfer;
  /** Through the port on another node. */
  readonly peer: Transfer;
}

/**
 * A node binds a profile's port when it learns of the profile from the log, after the node it
 * was created through answered; a stream that goes through is the only sign. It also warms the path.
 */
async function bound(target: TcpTarget): Promise<void> {
  const deadline = performance.now() + bindWaitMs;
  let last: unknown;
  while (performance.now() < deadline) {
    try {
      if ((await upload(target, probeBytes)).exact) return;
    } catch (error) {
      last = error;
    }
    target.abort();
    await sleep(50);
  }
  throw new Error(`the proxy port ${target.host}:${target.port} carried no stream within ${bindWaitMs} ms (last: ${String(last)})`);
}

/** Needs two nodes at least; the agent (`agentIndex`) is started on the last. */
export async function proxyThroughput(cluster: Cluster, sinkPort: number, agentIndex: number, bytes: number): Promise<ProxyTransfers> {
  const first = cluster.nodes[0];
  const holding = cluster.nodes.at(-1);
  if (first === undefined || holding === undefined || first === holding) throw new Error('the proxy figures need two nodes at least');
  const agent = await cluster.addAgent(holding, agentIndex);
  const sourcePort = await portOutsideLinks(cluster.nodes.length);
  const target = { tenant: clusterTenant, device: agent.mac, address: '127.0.0.1', port: sinkPort };
  await first.api.expect(201, 'POST', '/proxies', { id: proxyId, name: proxyId, protocol: 'tcp-over-device', sourcePort, target });
  const through = (node: ClusterNode): TcpTarget => new TcpTarget(sourcePort, node.linkHost);
  const [local, peer] = [through(holding), through(first)];
  await bound(local);
  await bound(peer);
  return { local: await upload(local, bytes), peer: await upload(peer, bytes) };
}
