// Several hub nodes share one store. Each holds a lease in its stream `node-<id>`, renewed a
// few times per lease period, and watches its peers' leases: when one runs out, this node
// tries to declare the peer lost (with the expected revision, so of several live nodes one
// succeeds) and, if it did, ends by events what the peer held (actors/node/lost-node-work.ts).
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { keptPosition } from '../../domain/ports/event-store.js';
import { nodeAggregate } from '../../domain/node/aggregate.js';
import type { NodeCommand } from '../../domain/node/commands.js';
import { systemPrincipal } from '../../domain/principal.js';
import { idOf } from '../../domain/stream-name.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';
import type { LogReader } from '../runtime/log-scan.js';
import { endLostNodeWork } from './lost-node-work.js';

export interface NodeLeasesOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly nodeId: string;
  readonly leaseMs: number;
  readonly logger: {
    warn(details: object, message: string): void;
    error(details: object, message: string): void;
  };
}

/** Renewals per lease period: a renewal or two may be late or lost before the lease runs out. */
const renewalsPerLease = 3;
const streamPrefix = `${nodeAggregate.category}-`;

export class NodeLeases implements LogReader {
  /** Node streams met in the start-up scan. */
  private readonly known = new Set<string>();
  /** Each live peer's expiry timer. */
  private readonly expiries = new Map<string, TimerHandle>();
  private readonly work = new Set<Promise<void>>();
  private following: LogFollower | undefined;
  private heartbeat: TimerHandle | undefined;
  private address: string | undefined;
  private stopped = false;

  constructor(private readonly options: NodeLeasesOptions) {}

  read(event: RecordedEvent): void {
    if (event.stream.startsWith(streamPrefix)) this.known.add(idOf(event.stream));
  }

  /** Peers holding a lease that has not been found expired. */
  get livePeerCount(): number {
    return this.expiries.size;
  }

  /** Watches the peers' leases from now on, then those the start-up scan found: no renewal falls between. */
  async start(): Promise<void> {
    const { store, logger } = this.options;
    this.following = followLog(
      store,
      { streamPrefixes: [streamPrefix] },
      (event) => this.track(this.watch(idOf(event.stream))),
      (error) => logger.error({ err: error }, 'stopped watching the leases of peer hub nodes'),
    );
    await Promise.all([...this.known].map((peer) => this.watch(peer)));
  }

  /** Takes this node's lease, with the address peers call it on, and keeps renewing it. */
  async hold(address: string): Promise<void> {
    this.address = address;
    await this.renew();
  }

  /**
   * A clean shutdown: stops watching and renewing, then ends the lease so peers do not wait for
   * it to run out. Resolves with the position of the lease's end, if one was recorded.
   */
  async end(): Promise<number | undefined> {
    this.stopped = true;
    this.heartbeat?.cancel();
    for (const timer of this.expiries.values()) timer.cancel();
    this.expiries.clear();
    await this.following?.close();
    await Promise.all([...this.work]);
    if (this.address === undefined) return undefined;
    return (await this.execute(this.options.nodeId, { type: 'EndLease' }))?.position;
  }

  private async renew(): Promise<void> {
    const { clock, nodeId, leaseMs } = this.options;
    if (this.stopped || this.address === undefined) return;
    // Armed first: renewals keep their pace however long an append takes.
    this.heartbeat = clock.at(new Date(clock.now().getTime() + leaseMs / renewalsPerLease), () => this.track(this.renew()));
    await this.execute(nodeId, { type: 'RenewLease', address: this.address, leaseMs });
  }

  /** Arms a timer at the peer's expiry while it holds a lease; forgets it otherwise. */
  private async watch(peer: string): Promise<void> {
    if (peer === this.options.nodeId || this.stopped) return;
    const { state } = await this.options.runtime.load(nodeAggregate, peer);
    this.expiries.get(peer)?.cancel();
    this.expiries.delete(peer);
    if (this.stopped || !state.matches('live')) return;
    this.expiries.set(
      peer,
      this.options.clock.at(new Date(state.context.expiresAt), () => this.track(this.expired(peer))),
    );
  }

  private async expired(peer: string): Promise<void> {
    const { runtime, store, nodeId, logger } = this.options;
    const declared = await this.execute(peer, { type: 'DeclareNodeLost', by: nodeId });
    // Renewed meanwhile (its event re-arms the timer), or another peer declared it first.
    if (declared?.position === undefined) return;
    this.expiries.delete(peer);
    const ended = await endLostNodeWork(runtime, store, peer, keptPosition(declared.position));
    logger.warn({ node: peer, ...ended }, 'a peer hub node stopped renewing its lease: ended what it held (cause hub-lost)');
  }

  private async execute(id: string, command: NodeCommand): Promise<{ readonly position?: number } | undefined> {
    try {
      return await this.options.runtime.execute(nodeAggregate, id, command, { principal: systemPrincipal });
    } catch (error) {
      this.options.logger.error({ err: error, node: id, command: command.type }, 'a node lease command failed');
      return undefined;
    }
  }

  /** Keeps in-flight work so end() waits for it; its failures are logged where they happen. */
  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.options.logger.error({ err: error }, 'node lease work failed')).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }
}
