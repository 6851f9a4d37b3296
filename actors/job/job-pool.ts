// Runs the jobs of one kind (update or backup) on this node: one after another in the order
// they were created (FIFO), at most `concurrency` devices in flight in a job, and never devices
// of two jobs in flight at once. Inputs (results, hellos) are taken in batches by one serial
// loop, so a burst of 20 results costs one append, not twenty.
//
// Each step is decide -> append -> apply: planStep decides from the job's view without
// changing anything, the runtime appends, and the job's live module (job-live.ts) hands the
// pool the state the stored events leave: the view takes it, the inbox lets go of what they
// recorded and the attempts they dispatched get their requests. Every append to a job, by the
// pool, a person or a deadline, is applied the same way. A failed append changes nothing;
// the step is tried again shortly after. Attempts time out by the job's deadline, which the
// runtime arms from the job's state (domain/job/job-deadlines.ts).
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
import type { JobKind, JobPoolOptions } from './job-kind.js';
import { jobLive } from './job-live.js';
import type { LiveJobs } from './job-live.js';
import { newlyInFlight, sendRequest } from './job-requests.js';
import { activeJob, dispatchTarget, drainingJobs, inCreationOrder, lateJob, seedRun } from './job-schedule.js';
import type { TrackedJob } from './job-schedule.js';
import { planStep } from './job-step.js';
import { StepLoop } from './job-step-loop.js';
import { loadJobViews, streamsOfKind } from './job-view.js';
import { earliestOf, Wakeup } from './job-wakeup.js';
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
  private graceUntil = 0;
  private retryAt: number | undefined;

  constructor(private readonly options: JobPoolOptions) {
    this.wakeup = new Wakeup(options.clock, () => this.loop.kick());
    options.runtime.register(options.kind.aggregate, jobLive(this));
    options.online.onLive((entry) => this.deviceLive(entry));
  }

  private get kind(): JobKind {
    return this.options.kind;
  }

  /**
   * Loads every job of this kind from its events, then resumes: running jobs continue, deadlines
   * are re-armed (overdue ones fire at once). `streams`: the kind's streams in the order they
   * began (e.g. from the start-up log scan); without them the pool scans the log itself.
   */
  async start(streams?: Iterable<string>): Promise<number> {
    const { runtime, store, clock, resumeGraceMs } = this.options;
    const { aggregate } = this.kind;
    const found = streamsOfKind(aggregate, streams ?? (await categoryStreams(store, aggregate.category)));
    for (const view of await loadJobViews(runtime, aggregate, found)) this.jobs.set(view.id, { view, inbox: emptyInbox() });
    await runtime.rearmDeadlines(aggregate, new Set(found));
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
      const job = this.jobs.get(id);
      // Failed devices tried again in this run: they are candidates once more.
      if (command.type === 'RetryJob' && job !== undefined && jobStateOf(job.view.state) !== 'queued') seedRun(this.kind, job, this.options.online.all());
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
   * Apply (the job's live module): the state the job's events leave once stored. The view takes
   * it, the inbox lets go of what they recorded, each attempt they dispatched gets its request,
   * and the loop looks again (a slot may have freed, the job may have ended or been resumed).
   */
  applyStored(jobId: string, state: JobSnapshot, order: number): void {
    const job = this.jobs.get(jobId) ?? this.track(jobId, order);
    const before = job.view.state.context.progress;
    job.view = { ...job.view, state };
    pruneInbox(job.inbox, state.context.progress);
    for (const flight of newlyInFlight(before, state.context.progress)) {
      const device = isMac(flight.mac) ? this.options.online.get(flight.mac) : undefined;
      // Gone meanwhile: its hello will ask again, or its deadline will fail it.
      if (device !== undefined) this.send(job, device, flight);
    }
    this.loop.kick();
  }

  answersOf(jobId: string): readonly DeviceResult[] {
    return [...(this.jobs.get(jobId)?.inbox.results.values() ?? [])];
  }

  /** Waits for the loop to finish what it holds, then stops it; call before the runtime stops. */
  async stop(): Promise<void> {
    this.wakeup.cancel();
    await this.loop.stop();
  }

  private track(jobId: string, order: number): TrackedJob {
    // Nothing of it was applied here yet: every attempt its state holds is new to the pool.
    const job: TrackedJob = { view: { id: jobId, order, state: initialState(this.kind.aggregate.machine) }, inbox: emptyInbox() };
    this.jobs.set(jobId, job);
    return job;
  }

  private ordered(): TrackedJob[] {
    return inCreationOrder(this.jobs.values());
  }

  /** A hello answered (or a tenant changed): its attempts in flight and the job it needs. */
  private deviceLive(device: OnlineEntry): void {
    if (this.loop.stopping) return;
    takeHello(this.kind, this.ordered(), device, (job, flight) => this.send(job, device, flight));
    this.loop.kick();
  }

  private stepFailed(error: unknown): void {
    this.options.logger.error({ err: error, kind: this.kind.aggregate.category }, 'a job step failed');
    this.retryAt = this.options.clock.now().getTime() + retryMs;
    this.arm();
  }

  private async execute(id: string, command: JobCommand, context: CommandContext = { principal: systemPrincipal }): Promise<JobCommandDone> {
    return done(await this.options.runtime.execute(this.kind.aggregate, id, command, context));
  }

  private async step(): Promise<void> {
    this.retryAt = undefined;
    const ordered = this.ordered();
    const target = dispatchTarget(ordered);
    for (const job of ordered) await this.advance(job, job === target);
    await this.schedule();
    this.arm();
  }

  /** One append: the job's pending results, then, if asked, its next devices. */
  private async advance(job: TrackedJob, dispatch: boolean): Promise<void> {
    const { kind } = this;
    const { online, clock } = this.options;
    const { command, dropped } = planStep(job.view, job.inbox, { kind, online, now: clock.now(), dispatch });
    dropped.forEach((mac) => job.inbox.candidates.delete(mac));
    if (command !== undefined) await this.execute(job.view.id, command);
  }
  /** One job at a time: the running (or paused) one; else whatever still has devices in flight; else the oldest queued; else late hellos. */
  private async schedule(): Promise<void> {
    for (;;) {
      const ordered = this.ordered();
      const active = activeJob(ordered);
      if (active !== undefined) {
        if (jobStateOf(active.view.state) !== 'running') return;
        await this.advance(active, true);
        if (!this.canComplete(active)) return;
        await this.execute(active.view.id, { type: 'CompleteJob' });
        this.options.logger.info({ jobId: active.view.id, counts: active.view.state.context.progress.counts }, 'job run completed');
        continue;
      }
      if (drainingJobs(ordered).length > 0) {
        const target = dispatchTarget(ordered);
        if (target !== undefined) await this.advance(target, true);
        return;
      }
      const queued = ordered.find((job) => jobStateOf(job.view.state) === 'queued');
      if (queued !== undefined) {
        await this.execute(queued.view.id, { type: 'StartJob' });
        this.options.logger.info({ jobId: queued.view.id }, 'job run started');
        seedRun(this.kind, queued, this.options.online.all());
        continue;
      }
      const late = lateJob(ordered);
      if (late !== undefined) await this.advance(late, true);
      return;
    }
  }

  private canComplete(job: TrackedJob): boolean {
    const { state } = job.view;
    return (
      jobStateOf(state) === 'running' &&
      job.inbox.candidates.size === 0 &&
      state.context.progress.counts.inFlight === 0 &&
      this.options.clock.now().getTime() >= this.graceUntil
    );
  }

  private send(job: TrackedJob, device: OnlineEntry, flight: InFlight): void {
    if (!sendRequest(this.kind, this.options.channel, job, device, flight)) this.loop.kick();
  }

  /** The one wake-up: the end of the resume grace, or a retry. */
  private arm(): void {
    if (this.loop.stopping) return;
    const now = this.options.clock.now().getTime();
    this.wakeup.at(earliestOf([this.graceUntil > now ? this.graceUntil : undefined, this.retryAt]));
  }
}
