// A hub on EventStoreDB is one node of a cluster that may span machines: what must be equal on
// every node cannot come from a file in its own data directory, and its id must be its own.
import { TetherError } from '../domain/errors.js';

export interface ClusterSettings {
  readonly eventstore?: string;
  readonly nodeId?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Throws invalid_configuration naming everything missing; a hub on the embedded store needs none. */
export function assertClusterSettings({ eventstore, nodeId, env }: ClusterSettings): void {
  if (eventstore === undefined || eventstore === '') return;
  const missing = [
    ...(nodeId === undefined ? ['--node-id ID (unique to this node: node-<port> repeats across machines)'] : []),
    ...(env.TETHER_TOKEN_SECRET ? [] : ['TETHER_TOKEN_SECRET (the same on every node, or tokens from one are refused by another)']),
    ...(env.TETHER_SEAL_KEY ? [] : ['TETHER_SEAL_KEY (the same on every node, or tenant passwords sealed by one cannot be deployed by another)']),
  ];
  if (missing.length === 0) return;
  throw new TetherError('invalid_configuration', `with --eventstore, give ${missing.join('; ')}`, ['eventstore']);
}
