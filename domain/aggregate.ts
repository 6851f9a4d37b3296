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
  readonly events: t.Decoder<unknown, EventFromLogic<TMachine>>;
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
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance: any aggregate fits
export type AnyAggregate = Aggregate<AnyStateMachine, any>;
