// Runs the jobs of one kind (update or backup) on this node: one after another in the order
// they were created (FIFO), at most `concurrency` devices in flight in a job, and never devices
// of two jobs in flight at once. Everything a job does is appended first (through the actor
// runtime) and sent after. Inputs (results, hellos, a deadline) are taken in batches by one
// serial loop, so a burst of 20 results costs one append, not twenty.
//
// Deadlines are data in the events (each attempt's `deadline`): at start the pool loads every
// job and arms one timer per pool for the earliest; TimeOutDevices checks the clock again, so
// correctness never depends on the timer firing on time.
import type { Aggregate } from '../domain/aggregate.js';
import type { Mac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import type { HubJobMessage } from '../domain/gateway/job-messages.js';
import type { DeviceResult, DeviceToDispatch, JobCommand, JobLifecycleCommand } from '../domain/job/job-commands.js';
import { jobStateOf } from '../domain/job/job-decide.js';
import type { JobSnapshot } from '../domain/job/job-decide.js';
import type { JobContext, JobMachine } from '../domain/job/job-machine.js';
import { deviceEntry, inFlightOf, nextDeadline, overdue, whyNotDispatchable } from '../domain/job/job-progress.js';
import type { InFlight, Trigger } from '../domain/job/job-progress.js';
import type { OnlineDevice } from '../domain/job/job-suitability.js';
import type { Clock, TimerHandle } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { logPages } from '../domain/ports/log-pages.js';
import { systemPrincipal } from '../domain/principal.js';
import type { ActorRuntime } from './actor-runtime.js';
import type { CommandContext } from './command-context.js';
import type { OnlineDevices, OnlineEntry } from './online-devices.js';

/** Sends to a device's live connection on this node; false when it has none. */
export interface JobChannel {
  send(mac: Mac, message: HubJobMessage): boolean;
}

export interface JobPoolLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What differs between update and backup jobs. */
export interface JobKind {
  readonly aggregate: Aggregate<JobMachine, JobCommand>;
  /** The job is for this device (tenants, categories, what it runs), whatever it has done. */
  suits(job: JobContext, device: OnlineDevice): boolean;
  /** The device needs the job now (an update: its version differs from the target). */
  needs(job: JobContext, device: OnlineDevice): boolean;
  /** The hello proves the attempt succeeded (an update: the device reports the target version). */
  confirms(job: JobContext, device: OnlineDevice): { readonly version?: string } | undefined;
  /** How a hello asks for the device: `hello` lets it be tried again in the job (the seed's update check). */
  readonly helloTrigger: Trigger;
  /** A hello looks for the newest suitable job, finished ones included (updates). */
  readonly onlineCheck: boolean;
  /** What the dispatch event records beside the attempt. */
  dispatchDetails(job: JobContext, device: OnlineEntry, now: Date): Pick<DeviceToDispatch, 'fromVersion' | 'location'>;
  /** The request for an attempt in flight. */
  message(job: JobContext, device: OnlineDevice, flight: InFlight): HubJobMessage;
}

export interface JobPoolOptions {
  readonly kind: JobKind;
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly online: OnlineDevices;
  readonly channel: JobChannel;
  readonly logger: JobPoolLogger;
  /** After a start, how long a running job waits for its devices to come back before it may complete. */
  readonly resumeGraceMs: number;
}

interface TrackedJob {
  readonly id: string;
  /** Creation order (a job created here: the global position of its first event). */
  readonly order: number;
  state: JobSnapshot;
  /** Online devices to consider, in arrival order, and how each was asked for. */
  readonly candidates: Map<Mac, Trigger>;
  /** Results to record at the next step, one per device. */
  readonly results: Map<Mac, DeviceResult>;
  /** The connection each request in flight went out on (this run of the hub only). */
  readonly sentOn: Map<Mac, string>;
  /** Devices of the dispatch being appended: their request goes out right after, once. */
  readonly dispatching: Set<Mac>;
}

const pageSize = 1000;

export class JobPool {
  private readonly jobs = new Map<string, TrackedJob>();
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private stopping = false;
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private graceUntil = 0;

  constructor(private readonly options: JobPoolOptions) {
    options.online.onLive((entry) => this.deviceLive(entry));
  }

  private get kind(): JobKind {
    return this.options.kind;
  }

  /**
   * Loads every job of this kind, then resumes: running jobs continue, deadlines are re-armed
   * (overdue ones fire at once). `streams`: the kind's streams in the order they began (e.g.
   * from the start-up log scan); without them the pool reads the log itself.
   */
  async start(streams?: Iterable<string>): Promise<number> {
    const { runtime, clock, resumeGraceMs } = this.options;
    const prefix = `${this.kind.aggregate.category}-`;
    let order = 0;
    for (const stream of streams ?? (await this.streamsInLog(prefix))) {
      if (!stream.startsWith(prefix)) continue;
      const id = stream.slice(prefix.length);
      const { state } = await runtime.load(this.kind.aggregate, id);
      this.track(id, order, state);
      order += 1;
    }
    this.graceUntil = clock.now().getTime() + resumeGraceMs;
    this.kick();
    return order;
  }

  private async streamsInLog(prefix: string): Promise<string[]> {
    const found = new Set<string>();
    for await (const page of logPages(this.options.store, { pageSize })) {
      for (const event of page) if (event.stream.startsWith(prefix)) found.add(event.stream);
    }
    return [...found];
  }

  /** Records a new job (its create command) and lets it take its turn. */
  async create(id: string, command: JobCommand, context: CommandContext): Promise<{ readonly state: JobSnapshot; readonly position?: number }> {
    return this.exclusive(async () => {
      const executed = await this.options.runtime.execute(this.kind.aggregate, id, command, context);
      this.track(id, executed.position ?? Number.MAX_SAFE_INTEGER, executed.state);
      this.kick();
      return executed.position === undefined ? { state: executed.state } : { state: executed.state, position: executed.position };
    });
  }

  /** Pause, resume, cancel or retry, as a person asks. */
  async command(id: string, command: JobLifecycleCommand, context: CommandContext): Promise<{ readonly state: JobSnapshot; readonly position?: number }> {
    return this.exclusive(async () => {
      const job = this.jobs.get(id);
      if (job === undefined) throw new TetherError('not_found', `no job ${id}`);
      const executed = await this.execute(job, command, context);
      // Failed devices tried again in this run: they are candidates once more.
      if (command.type === 'RetryJob' && jobStateOf(job.state) !== 'queued') this.seed(job);
      this.kick();
      return executed;
    });
  }

  /** A device's answer to its request in job `jobId`; ignored unless that device is in flight there. */
  result(mac: Mac, jobId: string, outcome: { readonly ok: true; readonly bytes?: number } | { readonly ok: false; readonly error: string }): void {
    const job = this.jobs.get(jobId);
    const flight = job === undefined ? undefined : inFlightOf(job.state.context.progress, mac);
    if (job === undefined || flight === undefined) {
      this.options.logger.info({ mac, jobId }, 'a job result for no attempt in flight was ignored');
      return;
    }
    const result: DeviceResult = outcome.ok
      ? { mac, attempt: flight.attempt, ok: true, via: 'result', ...(outcome.bytes === undefined ? {} : { bytes: outcome.bytes }) }
      : { mac, attempt: flight.attempt, ok: false, error: outcome.error };
    job.results.set(mac, result);
    this.kick();
  }

  /** Waits for the loop to finish what it holds, then stops it; call before the runtime stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.chain;
  }

  private track(id: string, order: number, state: JobSnapshot): void {
    const known = this.jobs.get(id);
    if (known !== undefined) {
      known.state = state;
      return;
    }
    this.jobs.set(id, { id, order, state, candidates: new Map(), results: new Map(), sentOn: new Map(), dispatching: new Set() });
  }

  private ordered(): TrackedJob[] {
    return [...this.jobs.values()].sort((a, b) => a.order - b.order);
  }

  /** A hello answered (or a tenant changed): settle or resend its attempts in flight, and route it to the job it needs. */
  private deviceLive(device: OnlineEntry): void {
    if (this.stopping) return;
    for (const job of this.jobs.values()) {
      const { context } = job.state;
      const flight = inFlightOf(context.progress, device.mac);
      const confirmed = this.kind.confirms(context, device);
      if (flight !== undefined) {
        if (confirmed !== undefined) job.results.set(device.mac, { mac: device.mac, attempt: flight.attempt, ok: true, via: 'hello', ...confirmed });
        // The request (or its answer) was lost with a connection or a hub restart: ask again, once per connection.
        else if (!job.dispatching.has(device.mac) && this.kind.suits(context, device)) this.send(job, device, flight);
        continue;
      }
      const entry = deviceEntry(context.progress, device.mac);
      if (confirmed !== undefined && entry?.status === 'failed') {
        job.results.set(device.mac, { mac: device.mac, attempt: entry.attempts, ok: true, via: 'hello', ...confirmed });
      }
    }
    const target = this.jobForHello(device);
    if (target !== undefined) {
      const trigger = target.candidates.get(device.mac) === 'hello' ? 'hello' : this.kind.helloTrigger;
      target.candidates.delete(device.mac);
      target.candidates.set(device.mac, trigger);
    }
    this.kick();
  }

  /** The seed's check: the newest suitable job that has started (finished ones included); else the one running now. */
  private jobForHello(device: OnlineDevice): TrackedJob | undefined {
    const started = this.ordered()
      .reverse()
      .filter((job) => {
        const state = jobStateOf(job.state);
        return state === 'running' || state === 'paused' || (this.kind.onlineCheck && state === 'completed');
      });
    return started.find((job) => this.kind.suits(job.state.context, device));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.chain.then(work);
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Schedules a step after the I/O callbacks of this turn of the event loop, so that the results
   * that arrived together are recorded together.
   */
  private kick(): void {
    if (this.scheduled || this.stopping) return;
    this.scheduled = true;
    setImmediate(() => {
      this.exclusive(async () => {
        this.scheduled = false;
        if (!this.stopping) await this.step();
      }).catch((error: unknown) => this.options.logger.error({ err: error, kind: this.kind.aggregate.category }, 'a job step failed'));
    });
  }

  private async execute(
    job: TrackedJob,
    command: JobLifecycleCommand,
    context: CommandContext = { principal: systemPrincipal },
  ): Promise<{ readonly state: JobSnapshot; readonly position?: number }> {
    try {
      const executed = await this.options.runtime.execute(this.kind.aggregate, job.id, command, context);
      job.state = executed.state;
      return executed.position === undefined ? { state: executed.state } : { state: executed.state, position: executed.position };
    } catch (error) {
      // Another node may have moved the job: take the store's word for where it stands.
      job.state = (await this.options.runtime.load(this.kind.aggregate, job.id)).state;
      throw error;
    }
  }

  private async step(): Promise<void> {
    const now = this.options.clock.now().getTime();
    const target = this.dispatchTarget();
    for (const job of this.ordered()) {
      const due = nextDeadline(job.state.context.progress);
      await this.advance(job, due !== undefined && due <= now, job === target);
    }
    await this.schedule();
    this.arm();
  }

  /** The job whose candidates go out now: the running one; else the only one still settling, if it is completed (late hellos). */
  private dispatchTarget(): TrackedJob | undefined {
    const jobs = this.ordered();
    const active = jobs.find((job) => jobStateOf(job.state) === 'running' || jobStateOf(job.state) === 'paused');
    if (active !== undefined) return jobStateOf(active.state) === 'running' ? active : undefined;
    const draining = jobs.filter((job) => job.state.context.progress.counts.inFlight > 0);
    const [only] = draining;
    return draining.length === 1 && only !== undefined && jobStateOf(only.state) === 'completed' ? only : undefined;
  }

  /** One append: the job's pending results (and timeouts), then, if asked, its next devices. */
  private async advance(job: TrackedJob, timeOut: boolean, dispatch: boolean): Promise<void> {
    const results = [...job.results.values()];
    job.results.clear();
    for (const { mac } of results) job.sentOn.delete(mac);
    const picked = dispatch ? this.pick(job, this.settling(job, results, timeOut)) : [];
    if (results.length === 0 && !timeOut && picked.length === 0) return;
    picked.forEach(({ mac }) => job.dispatching.add(mac));
    try {
      await this.execute(job, { type: 'AdvanceJob', results, dispatch: picked, ...(timeOut ? { timeOut } : {}) });
    } finally {
      picked.forEach(({ mac }) => job.dispatching.delete(mac));
    }
    for (const { mac, trigger } of picked) {
      // Each picked device was not in flight: it is now exactly when the job dispatched it.
      const flight = inFlightOf(job.state.context.progress, mac);
      const device = this.options.online.get(mac);
      // Not taken (no room after all): it stays a candidate.
      if (flight === undefined) job.candidates.set(mac, trigger);
      // Gone meanwhile: its hello will ask again, or its deadline will fail it.
      else if (device !== undefined) this.send(job, device, flight);
    }
  }

  /** How many slots this step frees: answers of attempts in flight, and those overdue. */
  private settling(job: TrackedJob, results: readonly DeviceResult[], timeOut: boolean): number {
    const { progress } = job.state.context;
    const answered = results.filter((result) => inFlightOf(progress, result.mac)?.attempt === result.attempt);
    const due = timeOut ? overdue(progress, this.options.clock.now()).filter(({ mac }) => !answered.some((result) => result.mac === mac)) : [];
    return answered.length + due.length;
  }

  /** One job at a time: the running (or paused) one; else whatever still has devices in flight; else the oldest queued; else late hellos. */
  private async schedule(): Promise<void> {
    for (;;) {
      const jobs = this.ordered();
      const active = jobs.find((job) => jobStateOf(job.state) === 'running' || jobStateOf(job.state) === 'paused');
      if (active !== undefined) {
        if (jobStateOf(active.state) !== 'running') return;
        await this.advance(active, false, true);
        if (!this.canComplete(active)) return;
        await this.execute(active, { type: 'CompleteJob' });
        this.options.logger.info({ jobId: active.id, counts: active.state.context.progress.counts }, 'job run completed');
        continue;
      }
      const draining = jobs.filter((job) => job.state.context.progress.counts.inFlight > 0);
      if (draining.length > 0) {
        const target = this.dispatchTarget();
        if (target !== undefined) await this.advance(target, false, true);
        return;
      }
      const queued = jobs.find((job) => jobStateOf(job.state) === 'queued');
      if (queued !== undefined) {
        await this.execute(queued, { type: 'StartJob' });
        this.options.logger.info({ jobId: queued.id }, 'job run started');
        this.seed(queued);
        continue;
      }
      const late = jobs.reverse().find((job) => jobStateOf(job.state) === 'completed' && job.candidates.size > 0);
      if (late !== undefined) await this.advance(late, false, true);
      return;
    }
  }

  /** Every online device the job is for becomes a candidate of its run. */
  private seed(job: TrackedJob): void {
    for (const device of this.options.online.all()) {
      if (this.kind.suits(job.state.context, device) && !job.candidates.has(device.mac)) job.candidates.set(device.mac, 'run');
    }
  }

  private canComplete(job: TrackedJob): boolean {
    return (
      jobStateOf(job.state) === 'running' &&
      job.candidates.size === 0 &&
      job.state.context.progress.counts.inFlight === 0 &&
      this.options.clock.now().getTime() >= this.graceUntil
    );
  }

  /** Candidates to dispatch, up to the room the step leaves; those that no longer qualify are dropped. */
  private pick(job: TrackedJob, freed: number): DeviceToDispatch[] {
    const { context } = job.state;
    const completed = jobStateOf(job.state) === 'completed';
    const room = context.concurrency - context.progress.counts.inFlight + freed;
    const picked: DeviceToDispatch[] = [];
    const now = this.options.clock.now();
    for (const [mac, trigger] of job.candidates) {
      if (picked.length >= room) break;
      job.candidates.delete(mac);
      const device = this.options.online.get(mac);
      if (device === undefined || device.tenantId === undefined) continue;
      if (completed && trigger !== 'hello') continue;
      if (!this.kind.suits(context, device) || !this.kind.needs(context, device)) continue;
      // Room is checked by the job itself, after the step's results settle.
      if (whyNotDispatchable(context.progress, mac, trigger, Number.MAX_SAFE_INTEGER) !== undefined) continue;
      picked.push({ mac, tenantId: device.tenantId, trigger, ...this.kind.dispatchDetails(context, device, now) });
    }
    return picked;
  }

  /** Sends the attempt's request once per connection. */
  private send(job: TrackedJob, device: OnlineEntry, flight: InFlight): void {
    if (job.sentOn.get(device.mac) === device.connectionId) return;
    if (this.options.channel.send(device.mac, this.kind.message(job.state.context, device, flight))) job.sentOn.set(device.mac, device.connectionId);
  }

  /** One timer: the earliest deadline of any attempt in flight, or the end of the resume grace. */
  private arm(): void {
    if (this.stopping) return;
    let earliest: number | undefined;
    for (const job of this.jobs.values()) {
      const due = nextDeadline(job.state.context.progress);
      if (due !== undefined && (earliest === undefined || due < earliest)) earliest = due;
    }
    const now = this.options.clock.now().getTime();
    if (this.graceUntil > now && (earliest === undefined || this.graceUntil < earliest)) earliest = this.graceUntil;
    if (earliest === this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = earliest;
    this.timer =
      earliest === undefined
        ? undefined
        : this.options.clock.at(new Date(earliest), () => {
            this.timerAt = undefined;
            this.timer = undefined;
            this.kick();
          });
  }
}
