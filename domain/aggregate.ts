// What the actor runtime needs to know of an aggregate: its machine (the "evolve"),
// how to read its stored events, and how to turn a command into new events.
import type * as t from 'io-ts';
import type { AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import type { Principal } from './principal.js';

export interface DecisionContext {
  readonly now: Date;
  readonly principal: Principal;
}

export interface Aggregate<TMachine extends AnyStateMachine, TCommand> {
  /** Stream category: streams are named `<category>-<id>`. */
  readonly category: string;
  readonly machine: TMachine;
  /** Decodes a stored `{type, data}`; a stored event that fails it is corrupt. */
  readonly events: t.Type<EventFromLogic<TMachine>, unknown>;
  /**
   * Turns a command into events, or throws a TetherError. The runtime then checks each
   * event with `snapshot.can(event)`, so the machine stays the one statement of what
   * may happen.
   */
  decide(
    state: SnapshotFrom<TMachine>,
    command: TCommand,
    context: DecisionContext,
  ): readonly EventFromLogic<TMachine>[];
  /**
   * Moments at which the aggregate must act by itself (a code expires, a link idles out).
   * They are data in state, so the runtime re-arms them after a restart and fires the
   * command with the system principal; decide() checks the clock again, so correctness
   * never depends on a timer firing on time.
   */
  deadlines?(state: SnapshotFrom<TMachine>): readonly Deadline<TCommand>[];
  /** True while the actor has live side effects, so it must not be passivated. */
  keepResident?(state: SnapshotFrom<TMachine>): boolean;
}

export interface Deadline<TCommand> {
  /** ISO time. */
  readonly at: string;
  readonly command: TCommand;
}

/** Any aggregate, whatever its commands: decide() is a method, so its parameter is compared bivariantly. */
export type AnyAggregate = Aggregate<AnyStateMachine, unknown>;
