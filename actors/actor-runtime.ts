// The live runtime: load, decide, append with the expected revision, then apply.
import { randomUUID } from 'node:crypto';
import { createActor } from 'xstate';
import type { AnyActorRef, AnyMachineSnapshot, AnyStateMachine, EventFromLogic, MachineImplementationsFrom, SnapshotFrom } from 'xstate';
import type { Aggregate, AnyAggregate } from '../domain/aggregate.js';
import { TetherError } from '../domain/errors.js';
import type { EventMetadata } from '../domain/event-metadata.js';
import type { Clock, TimerHandle } from '../domain/ports/clock.js';
import type { EventStore, EventToAppend, RecordedEvent } from '../domain/ports/event-store.js';
import { StreamNotFound, WrongExpectedVersion } from '../domain/ports/event-store.js';
import { systemPrincipal } from '../domain/principal.js';
import { streamOf } from '../domain/stream-name.js';
import type { CommandContext } from './command-context.js';
import { genesisHash, hashEvent } from './hash-chain.js';
import { decodeStored, evolve, initialState, nextState } from './replay.js';
import { CategoryStreams, scanLog } from './log-scan.js';
import { ResidentActors } from './resident-actors.js';
import type { Resident, ResidencyLimits } from './resident-actors.js';

export interface Loaded<M extends AnyStateMachine> {
  readonly state: SnapshotFrom<M>;
  /** Revision of the stream's last event; -1 when the stream does not exist. */
  readonly revision: number;
}

export interface Executed<M extends AnyStateMachine> extends Loaded<M> {
  /** What was appended; empty when the command changed nothing. */
  readonly events: readonly EventToAppend[];
  /** Global position of the last appended event, if any was appended. */
  readonly position?: number;
}

interface Incarnation {
  snapshot: SnapshotFrom<AnyStateMachine>;
  live?: AnyActorRef;
}

export interface RuntimeLogger {
  error(details: object, message: string): void;
}

export interface RuntimeOptions {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly limits?: Partial<ResidencyLimits>;
  /** Retries after losing an optimistic-concurrency race. */
  readonly maxRetries?: number;
  readonly logger?: RuntimeLogger;
}

const pageSize = 1000;

export class ActorRuntime {
  private readonly store: EventStore;
  private readonly clock: Clock;
  private readonly maxRetries: number;
  private readonly logger: RuntimeLogger | undefined;
  private readonly residents: ResidentActors<Incarnation>;
  private readonly liveMachines = new Map<string, AnyStateMachine>();
  /** The aggregates met so far, by their machine's id: a resident's snapshot names only its machine. */
  private readonly aggregatesByMachine = new Map<string, AnyAggregate>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly timers = new Map<string, TimerHandle[]>();
  private stopped = false;

  constructor(options: RuntimeOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.maxRetries = options.maxRetries ?? 10;
    this.logger = options.logger;
    this.residents = new ResidentActors<Incarnation>(
      options.clock,
      { maxResident: options.limits?.maxResident ?? 10_000, idleMs: options.limits?.idleMs ?? 300_000 },
      (_stream, resident) => {
        resident.state.live?.stop();
        // A command in flight may put this resident back: it must then start a new live actor.
        resident.state.live = undefined;
      },
      (resident) => this.mustStay(resident),
    );
  }

  /** Gives an aggregate its live behaviour: the implementations its machine leaves to the host. */
  provide<M extends AnyStateMachine>(aggregate: Aggregate<M, unknown>, implementations: MachineImplementationsFrom<M>): void {
    this.liveMachines.set(aggregate.category, aggregate.machine.provide(implementations));
  }

  get residentCount(): number {
    return this.residents.size;
  }

  /** The current state, read through to the store so it reflects every process's appends. */
  async load<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, id: string): Promise<Loaded<M>> {
    const stream = streamOf(aggregate.category, id);
    return this.serialized(stream, async () => {
      const resident = await this.catchUp(aggregate, stream);
      return { state: resident.state.snapshot as SnapshotFrom<M>, revision: resident.revision };
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
    for await (const page of this.pages(streamOf(aggregate.category, id), 0)) {
      const upTo = page.filter((e) => new Date(e.metadata.at).getTime() <= at.getTime());
      if (upTo.length > 0) yield upTo;
      if (upTo.length < page.length) return;
    }
  }

  async execute<M extends AnyStateMachine, C>(
    aggregate: Aggregate<M, C>,
    id: string,
    command: C,
    context: CommandContext,
  ): Promise<Executed<M>> {
    if (this.stopped) throw new TetherError('unavailable', 'the runtime is shutting down');
    const stream = streamOf(aggregate.category, id);
    return this.serialized(stream, async () => {
      for (let attempt = 0; ; attempt += 1) {
        // Read through, as load() does: another process may have appended since this actor was
        // last used, and only a conflicting append would reveal it, not a refusal or a no-op.
        const resident = await this.catchUp(aggregate, stream);
        try {
          return await this.decideAndAppend(aggregate, stream, resident, command, context);
        } catch (error) {
          if (!(error instanceof WrongExpectedVersion) || attempt >= this.maxRetries) throw error;
        }
      }
    });
  }

  /**
   * Re-arms the deadlines of every aggregate of this kind, e.g. at start-up; overdue ones fire
   * at once. `found`: the kind's stream names from a scan already made (log-scan.ts); without
   * them the log is read here.
   */
  async rearmDeadlines<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, found?: ReadonlySet<string>): Promise<number> {
    if (!aggregate.deadlines) return 0;
    let streams = found;
    if (streams === undefined) {
      const reader = new CategoryStreams([aggregate.category]);
      await scanLog(this.store, [reader]);
      streams = reader.of(aggregate.category);
    }
    const prefix = `${aggregate.category}-`;
    for (const stream of streams) {
      const loaded = await this.load(aggregate, stream.slice(prefix.length));
      this.arm(aggregate, stream, loaded.state);
    }
    return streams.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.queues.values()]);
    for (const handles of this.timers.values()) handles.forEach((h) => h.cancel());
    this.timers.clear();
    this.residents.passivate();
  }

  private async decideAndAppend<M extends AnyStateMachine, C>(
    aggregate: Aggregate<M, C>,
    stream: string,
    resident: Resident<Incarnation>,
    command: C,
    context: CommandContext,
  ): Promise<Executed<M>> {
    const now = this.clock.now();
    const before = resident.state.snapshot as SnapshotFrom<M>;
    const decided = aggregate.decide(before, command, { now, principal: context.principal });
    if (decided.length === 0) return { state: before, revision: resident.revision, events: [] };

    let state = before;
    for (const event of decided) {
      const type: string = event.type;
      if (!aggregate.events.is(event)) {
        throw new TetherError('invalid_event', `${aggregate.category} decided an event its codec refuses: ${type}`);
      }
      const snapshot: AnyMachineSnapshot = state;
      if (!snapshot.can(event)) {
        throw new TetherError(
          'transition_forbidden',
          `${stream}: ${type} is not allowed in state ${JSON.stringify(snapshot.value)}`,
        );
      }
      state = nextState(aggregate.machine, state, event);
    }

    const toAppend = this.chain(stream, resident, decided, context, now);
    const expected = resident.revision < 0 ? 'no_stream' : resident.revision;
    const result = await this.store.append(stream, toAppend, expected);

    resident.revision = result.nextRevision;
    resident.lastHash = toAppend.at(-1)?.metadata.hash ?? resident.lastHash;
    resident.state.snapshot = state;
    this.applyLive(aggregate, stream, resident, before, decided);
    this.residents.put(stream, resident);
    this.arm(aggregate, stream, state);
    return { state, revision: result.nextRevision, events: toAppend, position: result.position };
  }

  private chain(
    stream: string,
    resident: Resident<Incarnation>,
    events: readonly { type: string; data: Record<string, unknown> }[],
    context: CommandContext,
    now: Date,
  ): EventToAppend[] {
    const correlationId = context.correlationId ?? randomUUID();
    let previousHash = resident.lastHash;
    return events.map((event, i) => {
      const unhashed: Omit<EventMetadata, 'hash'> = {
        actor: context.principal,
        correlationId,
        causationId: context.causationId ?? correlationId,
        at: now.toISOString(),
        previousHash,
        ...(context.ip === undefined ? {} : { ip: context.ip }),
      };
      const hash = hashEvent({ stream, revision: resident.revision + 1 + i, type: event.type, data: event.data, metadata: unhashed });
      previousHash = hash;
      return { type: event.type, data: event.data, metadata: { ...unhashed, hash } };
    });
  }

  /** Apply: only after the append succeeded does the live actor see the events and act. */
  private applyLive<M extends AnyStateMachine>(
    aggregate: Aggregate<M, unknown>,
    stream: string,
    resident: Resident<Incarnation>,
    before: SnapshotFrom<M>,
    events: readonly EventFromLogic<M>[],
  ): void {
    let live = resident.state.live;
    if (!live) {
      const machine = this.liveMachines.get(aggregate.category);
      if (!machine) return;
      // Started in the state before these events, so that their actions run as they arrive.
      live = createActor(machine, { snapshot: machine.getPersistedSnapshot(before), id: stream }).start();
      resident.state.live = live;
    }
    for (const event of events) live.send(event);
  }

  private arm<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, stream: string, state: SnapshotFrom<M>): void {
    this.timers.get(stream)?.forEach((h) => h.cancel());
    this.timers.delete(stream);
    const deadlines = aggregate.deadlines?.(state) ?? [];
    if (deadlines.length === 0 || this.stopped) return;
    const id = stream.slice(aggregate.category.length + 1);
    this.timers.set(
      stream,
      deadlines.map((deadline) =>
        this.clock.at(new Date(deadline.at), () => {
          this.execute(aggregate, id, deadline.command, { principal: systemPrincipal }).catch((error: unknown) => {
            this.logger?.error({ err: error, stream }, 'deadline command failed');
          });
        }),
      ),
    );
  }

  private mustStay(resident: Resident<Incarnation>): boolean {
    const snapshot = resident.state.snapshot;
    const aggregate = this.aggregatesByMachine.get(snapshot.machine.id);
    return aggregate?.keepResident?.(snapshot) ?? false;
  }

  /** Brings the resident actor up to the stream's last event (or activates it). */
  private async catchUp<M extends AnyStateMachine, C>(
    aggregate: Aggregate<M, C>,
    stream: string,
  ): Promise<Resident<Incarnation>> {
    this.aggregatesByMachine.set(aggregate.machine.id, aggregate);
    const resident: Resident<Incarnation> = this.residents.get(stream) ?? {
      revision: -1,
      lastHash: genesisHash,
      lastUsed: 0,
      state: { snapshot: initialState(aggregate.machine) },
    };
    // Read page by page without the generator pages() is: an actor is most often up to date, and
    // this runs before every command and load.
    for (let from = resident.revision + 1; ; from += pageSize) {
      const page = await this.page(stream, from);
      const last = page.at(-1);
      if (!last) break;
      const snapshot = evolve(aggregate, resident.state.snapshot as SnapshotFrom<M>, page);
      if (resident.state.live) {
        const live = resident.state.live;
        page.forEach((event) => live.send(decodeStored(aggregate, event)));
      }
      resident.state.snapshot = snapshot;
      resident.revision = last.revision;
      resident.lastHash = last.metadata.hash;
      if (page.length < pageSize) break;
    }
    this.residents.put(stream, resident);
    return resident;
  }

  private async *pages(stream: string, fromRevision: number): AsyncGenerator<RecordedEvent[]> {
    for (let next = fromRevision; ; next += pageSize) {
      const page = await this.page(stream, next);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
    }
  }

  /** Up to a page of the stream's events from `fromRevision`; none when the stream does not exist. */
  private async page(stream: string, fromRevision: number): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(stream, { fromRevision, maxCount: pageSize });
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
  }

  private async serialized<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(stream, settled);
    await settled;
    if (this.queues.get(stream) === settled) this.queues.delete(stream);
    return result;
  }
}
