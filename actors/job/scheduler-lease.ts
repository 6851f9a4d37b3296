// This node's bid for the scheduler lease of one job kind (domain/job-scheduler): it takes or
// renews the lease a few times per period and says whether it schedules now. It schedules only
// while the lease it holds has not run out by its own clock, so that the old holder has stopped
// by the time another node may take over (clocks skewed by less than a period apart).
import type { TimerHandle } from '../../domain/ports/clock.js';
import type { Clock } from '../../domain/ports/clock.js';
import { schedulerLeaseAggregate } from '../../domain/job-scheduler/aggregate.js';
import type { SchedulerLeaseCommand } from '../../domain/job-scheduler/aggregate.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';

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

export class SchedulerLease {
  private expiresAt = 0;
  /** The holder the last bid found: a lease of ours that lapsed unclaimed is taken back, not over. */
  private lastHolder: string | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private readonly taken: ((fromAnother: boolean) => void)[] = [];

  constructor(private readonly options: SchedulerLeaseOptions) {}

  /** Whether this node schedules the kind's jobs now. */
  get held(): boolean {
    return this.expiresAt > this.options.clock.now().getTime();
  }

  /** Heard each time this node comes to hold the lease; `fromAnother`: another node (or none yet) held it last. */
  onTaken(listener: (fromAnother: boolean) => void): void {
    this.taken.push(listener);
  }

  /** Bids now, then a few times per period until stopped. */
  async start(): Promise<void> {
    await this.bid();
  }

  /** Stops bidding and lets the lease go, so that another node takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    if (!this.held) return;
    this.expiresAt = 0;
    await this.execute({ type: 'ReleaseSchedulerLease', nodeId: this.options.nodeId });
  }

  private async bid(): Promise<void> {
    const { clock, nodeId, leaseMs } = this.options;
    if (this.stopped) return;
    // Armed first: bids keep their pace however long an append takes.
    this.timer = clock.at(new Date(clock.now().getTime() + leaseMs / bidsPerLease), () => void this.bid());
    const state = await this.execute({ type: 'HoldSchedulerLease', nodeId, leaseMs });
    if (state === undefined || this.stopped) return;
    const { holder, expiresAt } = state.context;
    const wasHeld = this.held;
    const fromAnother = this.lastHolder !== nodeId;
    this.lastHolder = holder;
    this.expiresAt = holder === nodeId && expiresAt !== undefined ? new Date(expiresAt).getTime() : 0;
    if (!wasHeld && this.held) for (const listener of this.taken) listener(fromAnother);
  }

  private async execute(command: SchedulerLeaseCommand) {
    const { runtime, kind, logger } = this.options;
    try {
      return (await runtime.execute(schedulerLeaseAggregate, kind, command, { principal: systemPrincipal })).state;
    } catch (error) {
      logger.error({ err: error, kind }, 'the job scheduler lease could not be bid for');
      return undefined;
    }
  }
}
