// The live runtime: load, then reserve -> decide -> append with the expected revision -> apply,
// or release. Aggregates register their live module (live-module.ts) here.
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { Aggregate, AnyAggregate } from '../../domain/aggregate.js';
import { TetherError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { WrongExpectedVersion } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import { idOf, streamOf } from '../../domain/stream-name.js';
import type { CommandContext } from '../../domain/command-context.js';
import { DeadlineTimers } from './deadline-timers.js';
import { chainEvents } from './event-chain.js';
import { genesisHash } from './hash-chain.js';
import type { AnyLiveModule, Applied, LiveAggregate, LiveModule } from './live-module.js';
import { categoryStreams } from './log-scan.js';
import { decidedState, evolve, initialState } from './replay.js';
import { ResidentActors } from './resident-actors.js';
import type { Executed, Loaded, ReservedExecuted } from './runtime-results.js';
import type { RuntimeLogger, RuntimeOptions } from './runtime-options.js';
import type { Resident } from './resident-actors.js';
import { pageSize, streamPage, streamPages } from './stream-pages.js';
import { StreamTurns } from './stream-turns.js';

type Snapshot = SnapshotFrom<AnyStateMachine>;
/** One command's way through decide, append and apply. */
interface Turn<M extends AnyStateMachine, C, H> {
  readonly command: C;
  readonly context: CommandContext;
  readonly module: Pick<LiveModule<M, unknown, unknown, H>, 'apply'> | undefined;
  readonly held: H | undefined;
}

export class ActorRuntime {
  private readonly store: EventStore;
  private readonly clock: Clock;
  private readonly maxRetries: number;
  private readonly logger: RuntimeLogger | undefined;
  private readonly residents: ResidentActors<Snapshot>;
  private readonly modules = new Map<string, AnyLiveModule>();
  /** The aggregates met so far, by their machine's id: a resident's snapshot names only its machine. */
  private readonly aggregatesByMachine = new Map<string, AnyAggregate>();
  private readonly turns = new StreamTurns();
  private readonly timers: DeadlineTimers;
  private stopped = false;

  constructor(options: RuntimeOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.maxRetries = options.maxRetries ?? 10;
    this.logger = options.logger;
    this.timers = new DeadlineTimers(options.clock);
    const limits = { maxResident: options.limits?.maxResident ?? 10_000, idleMs: options.limits?.idleMs ?? 300_000 };
    this.residents = new ResidentActors<Snapshot>(options.clock, limits, undefined, (resident) => this.mustStay(resident));
  }

  /** Gives an aggregate its live module: from now on it applies every command's events stored by this runtime. */
  register<M extends AnyStateMachine, C, Q, H>(aggregate: Aggregate<M, C>, module: LiveModule<M, C, Q, H>): LiveAggregate<M, C, Q, H> {
    if (this.modules.has(aggregate.category)) throw new TetherError('internal', `${aggregate.category} has a live module already`);
    this.modules.set(aggregate.category, module);
    return { aggregate, module };
  }

  get residentCount(): number {
    return this.residents.size;
  }

  /** The current state, read through to the store so it reflects every process's appends. */
  async load<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, id: string): Promise<Loaded<M>> {
    const stream = streamOf(aggregate.category, id);
    return this.turns.run(stream, async () => {
      const resident = await this.catchUp(aggregate, stream);
      return { state: resident.state as SnapshotFrom<M>, revision: resident.revision };
    });
  }

  /** The state as it was at a moment: replays only the events recorded up to then. */
  async loadAt<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, id: string, at: Date): Promise<Loaded<M>> {
    let state = initialState(aggregate.machine);
    let revision = -1;
    for await (const page of this.eventsUpTo(aggregate, id, at)) {
      state = evolve(aggregate, state, page);
      revision = page.at(-1)?.revision ?? revision;
    }
    return { state, revision };
  }

  /** The stream's events recorded at or before `at`, in order, a page at a time; none for a stream never written. */
  async *eventsUpTo<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, id: string, at: Date): AsyncGenerator<RecordedEvent[]> {
    for await (const page of streamPages(this.store, streamOf(aggregate.category, id), 0)) {
      const upTo = page.filter((e) => new Date(e.metadata.at).getTime() <= at.getTime());
      if (upTo.length > 0) yield upTo;
      if (upTo.length < page.length) return;
    }
  }

  /** Decides the command, appends its events, then has the aggregate's live module apply them. */
  async execute<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, id: string, command: C, context: CommandContext): Promise<Executed<M>> {
    const stream = this.streamToRun(aggregate, id);
    const turn: Turn<M, C, undefined> = { command, context, module: this.modules.get(aggregate.category), held: undefined };
    return this.turns.run(stream, () => this.decideRetrying(aggregate, stream, turn));
  }

  /** Reserve -> decide -> append -> apply; what reserve held is released if nothing is stored, whatever the reason. */
  async reserve<M extends AnyStateMachine, C, Q, H>(live: LiveAggregate<M, C, Q, H>, id: string, request: Q, context: CommandContext): Promise<ReservedExecuted<M, H>> {
    const { aggregate, module } = live;
    const stream = this.streamToRun(aggregate, id);
    return this.turns.run(stream, async () => {
      if (module.reserve === undefined) throw new TetherError('internal', `${aggregate.category} reserves nothing`);
      const resident = await this.catchUp(aggregate, stream);
      const { command, held } = await module.reserve(request, resident.state as SnapshotFrom<M>, id);
      let executed: Executed<M>;
      try {
        executed = await this.decideRetrying(aggregate, stream, { command, context, module, held });
      } catch (error) {
        await this.release(module, held, error, stream);
        throw error;
      }
      if (executed.events.length > 0) return { ...executed, held };
      await this.release(module, held, new TetherError('internal', 'the command changed nothing'), stream);
      return executed;
    });
  }

  /** Re-arms the deadlines of every aggregate of this kind, e.g. at start-up (overdue ones fire at once); `found`: its streams from a scan already made (log-scan.ts). */
  async rearmDeadlines<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, found?: ReadonlySet<string>): Promise<number> {
    if (!aggregate.deadlines) return 0;
    const streams = found ?? (await categoryStreams(this.store, aggregate.category));
    for (const stream of streams) await this.loadArmed(aggregate, idOf(stream));
    return streams.size;
  }

  /** The current state, as load() reads it, with the stream's deadlines armed from it: one read, e.g. for an append another node made. */
  async loadArmed<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, id: string): Promise<Loaded<M>> {
    const stream = streamOf(aggregate.category, id);
    return this.turns.run(stream, async () => {
      const resident = await this.catchUp(aggregate, stream);
      this.arm(aggregate, stream, resident.state);
      return { state: resident.state as SnapshotFrom<M>, revision: resident.revision };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.turns.drain();
    this.timers.stop();
    this.residents.passivate();
  }

  private streamToRun(aggregate: AnyAggregate, id: string): string {
    if (this.stopped) throw new TetherError('unavailable', 'the runtime is shutting down');
    return streamOf(aggregate.category, id);
  }

  private async decideRetrying<M extends AnyStateMachine, C, H>(aggregate: Aggregate<M, C>, stream: string, turn: Turn<M, C, H>): Promise<Executed<M>> {
    for (let attempt = 0; ; attempt += 1) {
      // Read through, as load() does: another process may have appended since this actor was
      // last used, and only a conflicting append would reveal it, not a refusal or a no-op.
      const resident = await this.catchUp(aggregate, stream);
      try {
        return await this.decideAndAppend(aggregate, stream, resident, turn);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || attempt >= this.maxRetries) throw error;
      }
    }
  }

  private async decideAndAppend<M extends AnyStateMachine, C, H>(
    aggregate: Aggregate<M, C>,
    stream: string,
    resident: Resident<Snapshot>,
    { command, context, module, held }: Turn<M, C, H>,
  ): Promise<Executed<M>> {
    const now = this.clock.now();
    const before = resident.state as SnapshotFrom<M>;
    const events = aggregate.decide(before, command, { now, principal: context.principal });
    if (events.length === 0) return { state: before, revision: resident.revision, events: [] };

    const state = decidedState(aggregate, stream, before, events);
    const toAppend = chainEvents(stream, resident, events, context, now);
    const result = await this.store.append(stream, toAppend, resident.revision < 0 ? 'no_stream' : resident.revision);

    resident.revision = result.nextRevision;
    resident.lastHash = toAppend.at(-1)?.metadata.hash ?? resident.lastHash;
    resident.state = state;
    this.residents.put(stream, resident);
    this.apply(module, { stream, id: idOf(stream), events, before, after: state, position: result.position, revision: result.nextRevision, context, held });
    this.arm(aggregate, stream, state);
    return { state, revision: result.nextRevision, events: toAppend, position: result.position };
  }

  private apply<M extends AnyStateMachine, H>(module: Turn<M, unknown, H>['module'], applied: Applied<M, H>): void {
    try {
      module?.apply(applied);
    } catch (error) {
      this.logger?.error({ err: error, stream: applied.stream }, 'the live module failed to apply stored events');
    }
  }

  private async release<H>(module: Pick<LiveModule<AnyStateMachine, unknown, unknown, H>, 'release'>, held: H, reason: unknown, stream: string): Promise<void> {
    try {
      await module.release?.(held, reason);
    } catch (error) {
      this.logger?.error({ err: error, stream }, 'the live module failed to release a reservation');
    }
  }

  /** Any aggregate: a deadline's command comes from the aggregate and goes back to it, completed by its module, whatever their types. */
  private arm(aggregate: AnyAggregate, stream: string, state: Snapshot): void {
    const id = idOf(stream);
    const module = this.modules.get(aggregate.category);
    this.timers.arm(aggregate, stream, state, async (deadline) => {
      const command = module?.atDeadline?.(deadline, id) ?? deadline;
      try {
        await this.execute(aggregate, id, command, { principal: systemPrincipal });
      } catch (error) {
        this.logger?.error({ err: error, stream }, 'deadline command failed');
        // A refusal stands; the store unavailable leaves the deadline due.
        if (!(error instanceof TetherError) || error.code === 'unavailable') throw error;
      }
    });
  }

  private mustStay(resident: Resident<Snapshot>): boolean {
    const aggregate = this.aggregatesByMachine.get(resident.state.machine.id);
    return aggregate?.keepResident?.(resident.state) ?? false;
  }

  /** Brings the resident actor up to the stream's last event (or activates it). */
  private async catchUp<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, stream: string): Promise<Resident<Snapshot>> {
    this.aggregatesByMachine.set(aggregate.machine.id, aggregate);
    const resident: Resident<Snapshot> = this.residents.get(stream) ?? { revision: -1, lastHash: genesisHash, lastUsed: 0, state: initialState(aggregate.machine) };
    // Read page by page rather than through streamPages(): an actor is most often up to date, and
    // this runs before every command and load.
    for (let from = resident.revision + 1; ; from += pageSize) {
      const page = await streamPage(this.store, stream, from);
      const last = page.at(-1);
      if (!last) break;
      resident.state = evolve(aggregate, resident.state as SnapshotFrom<M>, page);
      resident.revision = last.revision;
      resident.lastHash = last.metadata.hash;
      if (page.length < pageSize) break;
    }
    this.residents.put(stream, resident);
    return resident;
  }
}
