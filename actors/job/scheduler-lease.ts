// This node's bid for the scheduler lease of one job kind (domain/job-scheduler). It bids only
// while the node's pool has jobs that need a scheduler (job-schedule.ts): it then takes or
// renews the lease a few times per period (a bid finding another node's live lease appends
// nothing), and once they need none it lets the lease go, so an idle cluster appends nothing.
// It schedules only while the lease it holds has not run out by its own clock, so that the old
// holder has stopped by the time another node may take over (clocks skewed by less than a period).
import type { TimerHandle } from '../../domain/ports/clock.js';
import type { Clock } from '../../domain/ports/clock.js';
import { leaseHolder, schedulerLeaseAggregate } from '../../domain/job-scheduler/aggregate.js';
import type { SchedulerLeaseCommand, SchedulerLeaseState } from '../../domain/job-scheduler/aggregate.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { LeaseTaken, SchedulerRole } from './job-kind.js';

export interface SchedulerLeaseOptions {
  readonly runtime: ActorRuntime;
  readonly clock: Clock;
  readonly nodeId: string;
  readonly leaseMs: number;
  /** The job kind's category (updatejob, backupjob): the lease's stream is `jobscheduler-<kind>`. */
  readonly kind: string;
  readonly logger: { error(details: object, message: string): void };
}

/** Bids per lease period: a bid or two may fail before the lease runs out. */
const bidsPerLease = 3;

export class SchedulerLease implements SchedulerRole {
  private expiresAt = 0;
  /** The lease stream's revision of this node's last event holding it, while held. */
  private heldRevision: number | undefined;
  private wanted = false;
  private stopped = false;
  private timer: TimerHandle | undefined;
  /** Bids and releases run one at a time, in the order asked; a bid already waiting is not asked again. */
  private turn: Promise<void> = Promise.resolve();
  private bidWaiting = false;
  private readonly taken: ((taken: LeaseTaken) => void)[] = [];

  constructor(private readonly options: SchedulerLeaseOptions) {}

  get held(): boolean {
    return this.expiresAt > this.options.clock.now().getTime();
  }

  onTaken(listener: (taken: LeaseTaken) => void): void {
    this.taken.push(listener);
  }

  want(wanted: boolean): void {
    if (this.stopped || wanted === this.wanted) return;
    this.wanted = wanted;
    if (wanted) this.queueBid();
    else this.queueRelease();
  }

  /** Stops bidding and lets the lease go, so that another node takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wanted = false;
    this.queueRelease();
    await this.turn;
  }

  private queueBid(): void {
    if (this.bidWaiting) return;
    this.bidWaiting = true;
    this.turn = this.turn.then(() => {
      this.bidWaiting = false;
      return this.bid();
    });
  }

  private queueRelease(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.turn = this.turn.then(() => this.release());
  }

  private async release(): Promise<void> {
    // Held by the last bid, even if it ran out since: the store records the release unless another node took it.
    if (this.wanted || this.heldRevision === undefined) return;
    this.expiresAt = 0;
    this.heldRevision = undefined;
    await this.execute({ type: 'ReleaseSchedulerLease', nodeId: this.options.nodeId });
  }

  private async bid(): Promise<void> {
    const { clock, nodeId, leaseMs } = this.options;
    if (this.stopped || !this.wanted) return;
    // Armed first: bids keep their pace however long an append takes.
    this.timer = clock.at(new Date(clock.now().getTime() + leaseMs / bidsPerLease), () => this.queueBid());
    const wasHeld = this.held;
    // Before a take: whether another node holds the lease (then there is nothing to append), or held it and let it lapse.
    const before = wasHeld ? undefined : await this.load();
    if (before !== undefined && (leaseHolder(before, clock.now()) ?? nodeId) !== nodeId) return;
    const executed = await this.execute({ type: 'HoldSchedulerLease', nodeId, leaseMs });
    if (executed === undefined) return;
    // Held from what was stored, even if a stop came meanwhile: the release it queued then lets it go.
    const { holder, expiresAt } = executed.state.context;
    this.expiresAt = holder === nodeId && expiresAt !== undefined ? new Date(expiresAt).getTime() : 0;
    // A renewal stored right after this node's last hold; one stored after others' events (a take and release elsewhere) is a take.
    const renewed = wasHeld && this.heldRevision === executed.revision - 1;
    this.heldRevision = this.held ? executed.revision : undefined;
    if (this.stopped || renewed || !this.held || executed.position === undefined) return;
    const lastHolder = before?.context.lastHolder;
    const taken = { position: executed.position, fromOther: lastHolder !== undefined && lastHolder !== nodeId };
    for (const listener of this.taken) listener(taken);
  }

  private async load(): Promise<SchedulerLeaseState | undefined> {
    const { runtime, kind, logger } = this.options;
    try {
      return (await runtime.load(schedulerLeaseAggregate, kind)).state;
    } catch (error) {
      logger.error({ err: error, kind }, 'the job scheduler lease could not be read');
      return undefined;
    }
  }

  private async execute(command: SchedulerLeaseCommand) {
    const { runtime, kind, logger } = this.options;
    try {
      return await runtime.execute(schedulerLeaseAggregate, kind, command, { principal: systemPrincipal });
    } catch (error) {
      logger.error({ err: error, kind }, 'the job scheduler lease could not be bid for');
      return undefined;
    }
  }
}
