// The live side of an aggregate, run by the runtime in one order: reserve -> decide -> append
// -> apply, or release. What a module holds live (sockets, ports, places) is either held by a
// reservation for a command not yet stored, or was made by apply from stored events, so the
// events can always rebuild it.
import type { AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import type { Aggregate } from '../../domain/aggregate.js';
import type { CommandContext } from '../../domain/command-context.js';

/** Events of one stream this runtime has just stored, handed to the live module. */
export interface Applied<M extends AnyStateMachine, H> {
  readonly stream: string;
  /** The aggregate's id: the stream name without its category. */
  readonly id: string;
  /** In stream order; never empty. */
  readonly events: readonly EventFromLogic<M>[];
  readonly before: SnapshotFrom<M>;
  readonly after: SnapshotFrom<M>;
  /** Global position of the last of `events`. */
  readonly position?: number;
  /** Stream revision of the last of `events`. */
  readonly revision: number;
  readonly context: CommandContext;
  /** What reserve held for the command these events came from; undefined for a command issued without a reservation. */
  readonly held: H | undefined;
}

/** What reserve made of a request: the command to decide, and what is held for it until it is stored or refused. */
export interface Reserved<C, H> {
  readonly command: C;
  readonly held: H;
}

/**
 * C: the aggregate's commands. Q: what a caller asks reserve for (live-only inputs, e.g. the
 * socket a link will carry). H: what reserve holds (a bound port, a quota place).
 */
export interface LiveModule<M extends AnyStateMachine, C, Q = never, H = never> {
  /**
   * Takes what the command needs before it is decided (binds a port), and completes the
   * command with it. Runs once per request, inside the stream's turn; if it throws, it has
   * released whatever it took.
   */
  reserve?(request: Q, state: SnapshotFrom<M>, id: string): Promise<Reserved<C, H>>;
  /** Frees what reserve held when nothing was stored: a refusal, a lost race after every retry, a store error. */
  release?(held: H, reason: unknown): Promise<void>;
  /**
   * Acts on events once they are stored, in stream order, before the stream's next command
   * runs. Synchronous: long work it starts runs on by itself (and may issue commands to other
   * streams); a throw is logged, the events stay stored.
   */
  apply(applied: Applied<M, H>): void;
  /**
   * Completes a deadline's command, as it fires, with what the module holds that no event
   * records yet (a job's answers that came while the store was down), so that the deadline is
   * not decided without them.
   */
  atDeadline?(command: C, id: string): C;
}

/** Any live module, whatever its types: its methods compare bivariantly, as AnyAggregate's do. */
export type AnyLiveModule = LiveModule<AnyStateMachine, unknown, unknown, unknown>;

/** An aggregate with its live module, as the runtime registered them: what `runtime.reserve` is called with. */
export interface LiveAggregate<M extends AnyStateMachine, C, Q, H> {
  readonly aggregate: Aggregate<M, C>;
  readonly module: LiveModule<M, C, Q, H>;
}
