// Runs the jobs of one kind (update or backup): one after another in creation order (FIFO), at
// most `concurrency` devices in flight in a job, never devices of two jobs in flight at once.
// The node holding the kind's scheduler lease (bid for while its jobs need one) starts,
// dispatches (to devices on any node) and completes jobs; every node sends the requests of
// attempts dispatched to its devices and records their answers. One serial loop takes inputs
// (answers, hellos) in batches: a burst of 20 answers costs one append, not twenty. Each step
// is decide -> append -> apply: planStep decides from the job's view, the runtime appends, and
// the job's live module (job-live.ts), or the follower for other nodes' appends
// (job-follower.ts), hands over the state the stored events leave. A failed append changes
// nothing; the step is tried again shortly after. Attempts time out by the job's deadline.
import { isMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import type { DeviceResult, JobCommand, JobLifecycleCommand } from '../../domain/job/job-commands.js';
import { jobStateOf } from '../../domain/job/job-decide.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import { inFlightOf } from '../../domain/job/job-progress.js';
import type { InFlight } from '../../domain/job/job-progress.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { Executed } from '../runtime/runtime-results.js';
import type { CommandContext } from '../../domain/command-context.js';
import { takeHello } from './job-hello.js';
import { answerOf, emptyInbox, pruneInbox } from './job-inbox.js';
import type { DeviceAnswer } from './job-inbox.js';
import type { JobKind, JobPoolOptions, LeaseTaken } from './job-kind.js';
import { jobLive } from './job-live.js';
import type { LiveJobs } from './job-live.js';
import { newlyInFlight, sendRequest } from './job-requests.js';
import { activeJob, dispatchTarget, inCreationOrder, mayComplete, runBegan, seedRun } from './job-schedule.js';
import { needsScheduler, takeTurns } from './job-turns.js';
import type { TrackedJob } from './job-schedule.js';
import { planStep } from './job-step.js';
import type { JobStep } from './job-step.js';
import { StepLoop } from './job-step-loop.js';
import { loadJobViews, streamsOfKind } from './job-view.js';
import type { JobView } from './job-view.js';
import { earliestOf, Wakeup } from './job-wakeup.js';
import { followJobs } from './job-follower.js';
import { SchedulerCatchUp } from './scheduler-catch-up.js';
import type { DeviceDirectory } from './cluster-devices.js';
import type { LogFollower } from '../runtime/log-follower.js';
import type { Position } from '../../domain/ports/event-store.js';
import { categoryStreams } from '../runtime/log-scan.js';
import { initialState } from '../runtime/replay.js';
import type { OnlineEntry } from '../device/online-devices.js';

export interface JobCommandDone {
  readonly state: JobSnapshot;
  readonly position?: number;
}

/** After a failed step (the store unavailable), how long the pool waits before it tries again. */
const retryMs = 1000;

const done = (executed: Executed<JobKind['aggregate']['machine']>): JobCommandDone =>
  executed.position === undefined ? { state: executed.state } : { state: executed.state, position: executed.position };

export class JobPool implements LiveJobs {
  private readonly jobs = new Map<string, TrackedJob>();
  private readonly wakeup: Wakeup;
  private readonly loop = new StepLoop(
    () => this.step(),
    (error) => this.stepFailed(error),
  );
  private readonly directory: DeviceDirectory;
  private readonly catchUp: SchedulerCatchUp;
  private following: LogFollower | undefined;
  private graceUntil = 0;
  private retryAt: number | undefined;

  constructor(private readonly options: JobPoolOptions) {
    this.wakeup = new Wakeup(options.clock, () => this.loop.kick());
    this.directory = options.directory ?? options.online;
    this.catchUp = new SchedulerCatchUp(options.scheduler, () => this.beganScheduling(), () => this.loop.kick());
    options.runtime.register(options.kind.aggregate, jobLive(this));
    this.directory.onLive((entry) => this.deviceLive(entry));
    options.scheduler?.onTaken((taken) => this.takeOver(taken));
  }

  /**
   * Loads every job of this kind, then resumes: running jobs continue, deadlines are re-armed (overdue ones fire at once).
   * `streams`: the kind's streams in the order they began (the start-up log scan, which ended at `scannedTo`: the jobs are followed from there); without them the pool scans the log.
   */
  async start(streams?: Iterable<string>, scannedTo?: Position): Promise<number> {
    const { runtime, store, clock, resumeGraceMs } = this.options;
    const { aggregate } = this.options.kind;
    // Followed first (from the scan's end, or from the log's head before this pool scans): a job another node changes while the others load is not missed.
    const after = scannedTo ?? (await store.headPosition());
    this.following = followJobs({ runtime, store, clock, aggregate, jobs: this, progress: this.catchUp, logger: this.options.logger, after });
    const found = streamsOfKind(aggregate, streams ?? (await categoryStreams(store, aggregate.category)));
    for (const view of await loadJobViews(runtime, aggregate, found)) this.takeLoaded(view);
    this.graceUntil = clock.now().getTime() + resumeGraceMs;
    this.loop.kick();
    return found.length;
  }

  /** Records a new job (its create command); once stored, the job takes its turn. */
  async create(id: string, command: JobCommand, context: CommandContext): Promise<JobCommandDone> {
    return this.loop.exclusive(() => this.execute(id, command, context));
  }

  /** Pause, resume, cancel or retry, as a person asks. */
  async command(id: string, command: JobLifecycleCommand, context: CommandContext): Promise<JobCommandDone> {
    return this.loop.exclusive(async () => {
      const executed = await this.execute(id, command, context);
      this.loop.kick();
      return executed;
    });
  }

  /** A device's answer to its request in job `jobId`; ignored unless that device is in flight there. */
  result(mac: Mac, jobId: string, outcome: DeviceAnswer): void {
    const job = this.jobs.get(jobId);
    const flight = job === undefined ? undefined : inFlightOf(job.view.state.context.progress, mac);
    if (job === undefined || flight === undefined) {
      this.options.logger.info({ mac, jobId }, 'a job result for no attempt in flight was ignored');
      return;
    }
    job.inbox.results.set(mac, answerOf(mac, flight.attempt, outcome));
    this.loop.kick();
  }

  /**
   * Apply (the live module, or another node's append followed): the state the job's events leave once stored. The view
   * takes it, the inbox lets go of what they recorded, each attempt they dispatched to a device held here gets its
   * request, a run that began takes the online devices as candidates, and the loop looks again.
   */
  applyStored(jobId: string, state: JobSnapshot, order: number, revision: number): void {
    const job = this.jobs.get(jobId) ?? this.track(jobId, order);
    if (revision <= job.view.revision) return;
    const before = job.view.state;
    job.view = { ...job.view, state, revision };
    pruneInbox(job.inbox, state.context.progress);
    if (this.catchUp.scheduling && runBegan(before, state)) seedRun(this.options.kind, job, this.directory.all());
    for (const flight of newlyInFlight(before.context.progress, state.context.progress)) {
      const device = isMac(flight.mac) ? this.options.online.get(flight.mac) : undefined;
      // Gone meanwhile: its hello will ask again, or its deadline will fail it.
      if (device !== undefined) this.send(job, device, flight);
    }
    this.loop.kick();
  }

  answersOf(jobId: string): readonly DeviceResult[] {
    return [...(this.jobs.get(jobId)?.inbox.results.values() ?? [])];
  }

  /** Lets the scheduler lease go once the step in flight is stored (queued before the loop stops: no step after it), and stops the loop; call before the runtime stops. */
  async stop(): Promise<void> {
    this.wakeup.cancel();
    await Promise.all([this.loop.exclusive(async () => this.options.scheduler?.stop()), this.loop.stop()]);
    await this.following?.close();
  }

  /** This node took the lease: it schedules once its view got that far; taken from another node while a job ran, that node's devices get a grace to come back. */
  private takeOver({ position, fromOther }: LeaseTaken): void {
    const running = activeJob(this.ordered())?.view.state;
    if (fromOther && running !== undefined && jobStateOf(running) === 'running') this.graceUntil = this.options.clock.now().getTime() + this.options.resumeGraceMs;
    this.catchUp.taken(position);
  }

  /** This node schedules now, its view caught up: the running job takes the online devices as candidates. */
  private beganScheduling(): void {
    const active = activeJob(this.ordered());
    if (active !== undefined && jobStateOf(active.view.state) === 'running') seedRun(this.options.kind, active, this.directory.all());
    this.loop.kick();
  }

  /** A job loaded at start-up. One the follower met meanwhile keeps its inbox (where requests went, answers not yet recorded), takes its place in creation order, and the newer state as an apply. */
  private takeLoaded(view: JobView): void {
    const met = this.jobs.get(view.id);
    if (met === undefined) return void this.jobs.set(view.id, { view, inbox: emptyInbox() });
    met.view = { ...met.view, order: view.order };
    this.applyStored(view.id, view.state, view.order, view.revision);
  }

  private track(jobId: string, order: number): TrackedJob {
    // Nothing of it was applied here yet: every attempt its state holds is new to the pool.
    const job: TrackedJob = { view: { id: jobId, order, state: initialState(this.options.kind.aggregate.machine), revision: -1 }, inbox: emptyInbox() };
    this.jobs.set(jobId, job);
    return job;
  }

  private ordered(): TrackedJob[] {
    return inCreationOrder(this.jobs.values());
  }

  /** A hello answered (or a tenant changed): its attempts in flight and the job it needs. */
  private deviceLive(device: OnlineEntry): void {
    const here = this.options.online.get(device.mac)?.connectionId === device.connectionId;
    // A device held elsewhere is its node's to answer for; here it is only a candidate.
    if (this.loop.stopping || (!here && !this.catchUp.scheduling)) return;
    // Only the node holding the device sends to it: elsewhere a request would be built (and could fail) for nothing.
    takeHello(this.options.kind, this.ordered(), device, here ? (job, flight) => this.send(job, device, flight) : () => undefined);
    this.loop.kick();
  }

  private stepFailed(error: unknown): void {
    this.options.logger.error({ err: error, kind: this.options.kind.aggregate.category }, 'a job step failed');
    this.retryAt = this.options.clock.now().getTime() + retryMs;
    this.arm();
  }

  private async execute(id: string, command: JobCommand, context: CommandContext = { principal: systemPrincipal }): Promise<JobCommandDone> {
    return done(await this.options.runtime.execute(this.options.kind.aggregate, id, command, context));
  }

  private async step(): Promise<void> {
    this.retryAt = undefined;
    const ordered = this.ordered();
    const scheduling = this.catchUp.scheduling;
    const target = scheduling ? dispatchTarget(ordered) : undefined;
    for (const job of ordered) await this.advance(job, job === target);
    if (scheduling) await this.schedule();
    this.catchUp.want(needsScheduler(this.ordered(), (job) => (this.plan(job, true).command?.dispatch.length ?? 0) > 0));
    this.arm();
  }

  /** One append: the job's pending results, then, if asked, its next devices. */
  private async advance(job: TrackedJob, dispatch: boolean): Promise<void> {
    const { command, dropped } = this.plan(job, dispatch);
    dropped.forEach((mac) => job.inbox.candidates.delete(mac));
    if (command !== undefined) await this.execute(job.view.id, command);
  }

  private plan(job: TrackedJob, dispatch: boolean): JobStep {
    return planStep(job.view, job.inbox, { kind: this.options.kind, online: this.directory, now: this.options.clock.now(), dispatch });
  }

  /** One job at a time (job-turns.ts), while this node schedules. */
  private async schedule(): Promise<void> {
    await takeTurns({
      scheduling: () => this.catchUp.scheduling,
      ordered: () => this.ordered(),
      advance: (job) => this.advance(job, true),
      execute: async (job, command) => void (await this.execute(job.view.id, command)),
      canComplete: (job) => mayComplete(job, this.options.clock.now(), this.graceUntil),
      logger: this.options.logger,
    });
  }

  private send(job: TrackedJob, device: OnlineEntry, flight: InFlight): void {
    if (!sendRequest(this.options.kind, this.options.channel, job, device, flight)) this.loop.kick();
  }

  /** The one wake-up: the end of the resume grace, or a retry. */
  private arm(): void {
    if (this.loop.stopping) return;
    const now = this.options.clock.now().getTime();
    this.wakeup.at(earliestOf([this.graceUntil > now ? this.graceUntil : undefined, this.retryAt]));
  }
}
