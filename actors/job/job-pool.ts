// Runs the jobs of one kind (update or backup) on this node: one after another in the order
// they were created (FIFO), at most `concurrency` devices in flight in a job, and never devices
// of two jobs in flight at once. Inputs (results, hellos, a deadline) are taken in batches by
// one serial loop, so a burst of 20 results costs one append, not twenty.
//
// Each step is decide -> append -> apply: planStep decides from the job's view without
// changing anything, the runtime appends, and applyStored folds the stored events into the
// view, lets the inbox go of what they recorded and sends the requests they dispatched. A
// failed append changes nothing; the step is tried again shortly after.
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { JobCommand, JobLifecycleCommand } from '../../domain/job/job-commands.js';
import { jobStateOf } from '../../domain/job/job-decide.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import { inFlightOf, nextDeadline } from '../../domain/job/job-progress.js';
import type { InFlight } from '../../domain/job/job-progress.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { Executed } from '../runtime/runtime-results.js';
import type { CommandContext } from '../../domain/command-context.js';
import { takeHello } from './job-hello.js';
import { answerOf, emptyInbox, pruneInbox } from './job-inbox.js';
import type { DeviceAnswer } from './job-inbox.js';
import type { JobKind, JobPoolOptions } from './job-kind.js';
import { dispatchedIn, sendRequest } from './job-requests.js';
import { activeJob, dispatchTarget, drainingJobs, inCreationOrder, lateJob, seedRun } from './job-schedule.js';
import type { TrackedJob } from './job-schedule.js';
import { planStep } from './job-step.js';
import { StepLoop } from './job-step-loop.js';
import { emptyJobView, eventsAfter, foldJobEvents, loadJobViews } from './job-view.js';
import { earliestOf, Wakeup } from './job-wakeup.js';
import { categoryStreams } from '../runtime/log-scan.js';
import type { OnlineEntry } from '../device/online-devices.js';

export interface JobCommandDone {
  readonly state: JobSnapshot;
  readonly position?: number;
}

/** After a failed step (the store unavailable), how long the pool waits before it tries again. */
const retryMs = 1000;

const done = (executed: Executed<JobKind['aggregate']['machine']>): JobCommandDone =>
  executed.position === undefined ? { state: executed.state } : { state: executed.state, position: executed.position };

export class JobPool {
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
    const { store, clock, resumeGraceMs } = this.options;
    const { aggregate } = this.kind;
    const views = await loadJobViews(store, aggregate, streams ?? (await categoryStreams(store, aggregate.category)));
    for (const view of views) this.jobs.set(view.id, { view, inbox: emptyInbox() });
    this.graceUntil = clock.now().getTime() + resumeGraceMs;
    this.loop.kick();
    return views.length;
  }

  /** Records a new job (its create command) and lets it take its turn. */
  async create(id: string, command: JobCommand, context: CommandContext): Promise<JobCommandDone> {
    return this.loop.exclusive(async () => {
      const executed = await this.options.runtime.execute(this.kind.aggregate, id, command, context);
      const job = { view: emptyJobView(this.kind.aggregate, id, executed.position ?? Number.MAX_SAFE_INTEGER), inbox: emptyInbox() };
      this.jobs.set(id, job);
      await this.catchUp(job);
      this.loop.kick();
      return done(executed);
    });
  }

  /** Pause, resume, cancel or retry, as a person asks. */
  async command(id: string, command: JobLifecycleCommand, context: CommandContext): Promise<JobCommandDone> {
    return this.loop.exclusive(async () => {
      const job = this.jobs.get(id);
      if (job === undefined) throw new TetherError('not_found', `no job ${id}`);
      const executed = await this.execute(job, command, context);
      // Failed devices tried again in this run: they are candidates once more.
      if (command.type === 'RetryJob' && jobStateOf(job.view.state) !== 'queued') seedRun(this.kind, job, this.options.online.all());
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
   * Apply: the job's events, in stream order, once stored. The view folds them, the inbox lets
   * go of what they recorded, and each device they dispatched gets its request.
   */
  applyStored(jobId: string, events: readonly RecordedEvent[]): void {
    const job = this.jobs.get(jobId);
    if (job === undefined) return;
    const before = job.view.revision;
    job.view = foldJobEvents(this.kind.aggregate, job.view, events);
    pruneInbox(job.inbox, job.view.state.context.progress);
    for (const { mac, attempt } of dispatchedIn(this.kind, events, before)) {
      const flight = inFlightOf(job.view.state.context.progress, mac);
      const device = this.options.online.get(mac);
      // Gone meanwhile: its hello will ask again, or its deadline will fail it.
      if (flight?.attempt === attempt && device !== undefined) this.send(job, device, flight);
    }
  }

  /** Waits for the loop to finish what it holds, then stops it; call before the runtime stops. */
  async stop(): Promise<void> {
    this.wakeup.cancel();
    await this.loop.stop();
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

  private async execute(job: TrackedJob, command: JobLifecycleCommand, context: CommandContext = { principal: systemPrincipal }): Promise<JobCommandDone> {
    try {
      return done(await this.options.runtime.execute(this.kind.aggregate, job.view.id, command, context));
    } finally {
      // Whether it appended or not (another node may have moved the job), the view takes what is stored.
      await this.catchUp(job);
    }
  }

  private async catchUp(job: TrackedJob): Promise<void> {
    this.applyStored(job.view.id, await eventsAfter(this.options.store, this.kind.aggregate, job.view));
  }

  private async step(): Promise<void> {
    this.retryAt = undefined;
    const now = this.options.clock.now().getTime();
    const ordered = this.ordered();
    const target = dispatchTarget(ordered);
    for (const job of ordered) {
      const due = nextDeadline(job.view.state.context.progress);
      await this.advance(job, due !== undefined && due <= now, job === target);
    }
    await this.schedule();
    this.arm();
  }

  /** One append: the job's pending results (and timeouts), then, if asked, its next devices. */
  private async advance(job: TrackedJob, timeOut: boolean, dispatch: boolean): Promise<void> {
    const { kind } = this;
    const { online, clock } = this.options;
    const { command, dropped } = planStep(job.view, job.inbox, { kind, online, now: clock.now(), timeOut, dispatch });
    dropped.forEach((mac) => job.inbox.candidates.delete(mac));
    if (command !== undefined) await this.execute(job, command);
  }

  /** One job at a time: the running (or paused) one; else whatever still has devices in flight; else the oldest queued; else late hellos. */
  private async schedule(): Promise<void> {
    for (;;) {
      const ordered = this.ordered();
      const active = activeJob(ordered);
      if (active !== undefined) {
        if (jobStateOf(active.view.state) !== 'running') return;
        await this.advance(active, false, true);
        if (!this.canComplete(active)) return;
        await this.execute(active, { type: 'CompleteJob' });
        this.options.logger.info({ jobId: active.view.id, counts: active.view.state.context.progress.counts }, 'job run completed');
        continue;
      }
      if (drainingJobs(ordered).length > 0) {
        const target = dispatchTarget(ordered);
        if (target !== undefined) await this.advance(target, false, true);
        return;
      }
      const queued = ordered.find((job) => jobStateOf(job.view.state) === 'queued');
      if (queued !== undefined) {
        await this.execute(queued, { type: 'StartJob' });
        this.options.logger.info({ jobId: queued.view.id }, 'job run started');
        seedRun(this.kind, queued, this.options.online.all());
        continue;
      }
      const late = lateJob(ordered);
      if (late !== undefined) await this.advance(late, false, true);
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

  /** The one wake-up: the earliest deadline of any attempt in flight, the end of the resume grace, or a retry. */
  private arm(): void {
    if (this.loop.stopping) return;
    const now = this.options.clock.now().getTime();
    const deadlines = [...this.jobs.values()].map((job) => nextDeadline(job.view.state.context.progress));
    this.wakeup.at(earliestOf([...deadlines, this.graceUntil > now ? this.graceUntil : undefined, this.retryAt]));
  }
}
