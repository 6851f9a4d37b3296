// Deciders are tested as the design says: given these events, when this command,
// then these events (or this error).
import { expect } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import type { Aggregate, DecisionContext } from '../../domain/aggregate.js';
import type { ErrorCode } from '../../domain/errors.js';
import { isTetherError } from '../../domain/errors.js';

const defaultContext: DecisionContext = {
  now: new Date('2026-01-01T00:00:00.000Z'),
  principal: { id: 'admin-1', role: 'admin' },
};

/** The state after these events; each must be one the machine accepts where it stands. */
export function stateAfter<M extends AnyStateMachine>(machine: M, events: readonly EventFromLogic<M>[]): SnapshotFrom<M> {
  let state = initialTransition(machine as AnyStateMachine)[0] as SnapshotFrom<M>;
  for (const event of events) {
    const snapshot: AnyMachineSnapshot = state;
    if (!snapshot.can(event)) throw new Error(`given history is impossible: ${event.type} in ${JSON.stringify(snapshot.value)}`);
    state = transition(machine, state, event)[0];
  }
  return state;
}

export interface Outcome<M extends AnyStateMachine> {
  then(expected: readonly EventFromLogic<M>[]): void;
  thenFails(code: ErrorCode): void;
}

export interface Scenario<M extends AnyStateMachine, C> {
  when(command: C, context?: Partial<DecisionContext>): Outcome<M>;
}

export function given<M extends AnyStateMachine, C>(
  aggregate: Aggregate<M, C>,
  history: readonly EventFromLogic<M>[],
): Scenario<M, C> {
  const state = stateAfter(aggregate.machine, history);
  return {
    when(command, context = {}) {
      const decide = (): readonly EventFromLogic<M>[] => aggregate.decide(state, command, { ...defaultContext, ...context });
      return {
        then(expected) {
          expect(decide()).toEqual(expected);
        },
        thenFails(code) {
          let failure: unknown;
          try {
            decide();
          } catch (error) {
            failure = error;
          }
          expect(isTetherError(failure, code), `expected a TetherError '${code}', got ${String(failure)}`).toBe(true);
        },
      };
    },
  };
}
