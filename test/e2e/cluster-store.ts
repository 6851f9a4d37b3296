// The store the hub nodes of a cluster e2e test share: one data directory (the embedded SQLite
// store) as the multi-node stand-in, or EventStoreDB when TETHER_EVENTSTORE_URL is set. On
// EventStoreDB each node is started with --eventstore, its own --node-id and the secrets every
// node shares, and the tests' names (node ids, tenants, relays, proxies) and MACs carry a tag of
// the run: a store reused across runs keeps every earlier run's streams, and they must not meet.
//
// To run the cluster tests on EventStoreDB (an empty store or one kept from earlier runs):
//   docker run -d --name tether-esdb -p 2113:2113 eventstore/eventstore:24.10 --insecure --run-projections=All
//   npm run build
//   TETHER_EVENTSTORE_URL='esdb://127.0.0.1:2113?tls=false' npx vitest run test/e2e/cluster-routing.e2e.test.ts \
//     test/e2e/cluster-update-job.e2e.test.ts test/e2e/proxy-follow.e2e.test.ts test/e2e/node-loss.e2e.test.ts \
//     test/e2e/two-hubs.e2e.test.ts test/e2e/dashboard-two-hubs.e2e.test.ts test/e2e/relay-nodes.e2e.test.ts \
//     test/e2e/proxy-through-peer.e2e.test.ts
// The store's instance admin then has the password below (eventStoreAdminPassword): the first
// run creates it, later runs log in with it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../api/event-store-factory.js';
import { StreamNotFound } from '../../domain/ports/event-store.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { serve } from './tether-process.js';
import type { ServeOptions, TetherProcess } from './tether-process.js';

const eventStoreUrl = process.env.TETHER_EVENTSTORE_URL ?? '';

// The same on every run: a reused store holds the tokens and sealed passwords of earlier runs.
const eventStoreSecrets = {
  TETHER_TOKEN_SECRET: 'tether-e2e-cluster-token-secret-shared-by-every-node',
  TETHER_SEAL_KEY: '5e'.repeat(32),
};
const eventStoreAdminPassword = 'tether-e2e-cluster-admin-password';

export interface ClusterNode extends TetherProcess {
  /** The node's id as it records it (in its lease, on the devices and links it holds). */
  readonly nodeId: string;
}

export type ClusterServeOptions = Omit<ServeOptions, 'dataDir'>;

export class ClusterStore {
  /** Every node's --data: the shared events.db on SQLite; each node's read models on either store. */
  readonly dataDir: string;
  readonly onEventStore = eventStoreUrl !== '';
  private readonly run = randomBytes(3).toString('hex');
  private store: Promise<EventStore> | undefined;

  constructor(prefix: string) {
    this.dataDir = mkdtempSync(join(tmpdir(), `tether-${prefix}-`));
  }

  /** `base` as this run's own: tagged on EventStoreDB, unchanged on SQLite. */
  name(base: string): string {
    return this.onEventStore ? `${base}-${this.run}` : base;
  }

  /** Of `names` (tenant ids, relay names…), those of this run: all of them on a fresh data directory. */
  ofThisRun(names: readonly string[]): string[] {
    return this.onEventStore ? names.filter((name) => name.endsWith(`-${this.run}`)) : [...names];
  }

  /** MAC `base` as this run's own: on EventStoreDB its first three bytes are this run's (locally administered). */
  mac(base: string): string {
    if (!this.onEventStore) return base;
    const tag = this.run.slice(0, 4).toUpperCase();
    return `02:${tag.slice(0, 2)}:${tag.slice(2, 4)}${base.slice(8)}`;
  }

  /** The instance admin's password: the test's own on a fresh data directory, the store's on EventStoreDB. */
  adminPassword(own: string): string {
    return this.onEventStore ? eventStoreAdminPassword : own;
  }

  /** Starts a node on the store; without a `nodeId`, the hub's default (node-<port>). */
  serve(options: ClusterServeOptions): ClusterNode {
    const nodeId = this.name(options.nodeId ?? `node-${options.port}`);
    const env = this.onEventStore
      ? { ...options.env, ...eventStoreSecrets, TETHER_ADMIN_PASSWORD: eventStoreAdminPassword, TETHER_EVENTSTORE_URL: '' }
      : { ...options.env, TETHER_EVENTSTORE_URL: '' };
    const args = this.onEventStore ? ['--eventstore', eventStoreUrl, ...(options.args ?? [])] : (options.args ?? []);
    const started = serve({
      dataDir: this.dataDir,
      port: options.port,
      ...(this.onEventStore || options.nodeId !== undefined ? { nodeId } : {}),
      env,
      args,
    });
    return { ...started, nodeId };
  }

  /** The events of `stream`, read from the store as any node reads them; none for a stream not there. */
  async eventsOf(stream: string): Promise<RecordedEvent[]> {
    this.store ??= openEventStore({ dataDir: this.dataDir, ...(this.onEventStore ? { eventStoreUrl } : {}) });
    const store = await this.store;
    return store.readStream(stream).catch((error: unknown) => {
      if (error instanceof StreamNotFound) return [];
      throw error;
    });
  }

  /** Node `node`'s read-model file. */
  readModelsOf(node: ClusterNode): string {
    return join(this.dataDir, `readmodels-${node.nodeId}.db`);
  }

  async close(): Promise<void> {
    if (this.store !== undefined) await (await this.store).close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
