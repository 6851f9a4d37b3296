// Load = replay the stream through the machine's pure transition: every action it
// returns is discarded, so replay never runs a side effect.
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { createActor, initialTransition } from 'xstate';
import type { AnyActorScope, AnyMachineSnapshot, AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import type { Aggregate } from '../../domain/aggregate.js';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';

const initialStates = new WeakMap<AnyStateMachine, AnyMachineSnapshot>();

/**
 * A machine of ours takes no input, so its initial state is the same every time: made once,
 * as `initialTransition` builds a throwaway actor (a tenth of a new device's hello). Snapshots
 * are never mutated, only replaced, so one can be shared.
 */
export function initialState<M extends AnyStateMachine>(machine: M): SnapshotFrom<M> {
  let initial = initialStates.get(machine);
  if (!initial) {
    initial = initialTransition(machine as AnyStateMachine)[0];
    initialStates.set(machine, initial);
  }
  return initial as SnapshotFrom<M>;
}

const inertScopes = new WeakMap<AnyStateMachine, AnyActorScope>();

/**
 * XState's `transition()` builds a throwaway actor on every call, which made a 10,000-event
 * replay take seconds. This is the same inert scope it builds (nothing deferred, emitted or
 * executed), made once per machine and reused.
 */
function inertScope(machine: AnyStateMachine): AnyActorScope {
  let scope = inertScopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const discard = (): void => undefined;
    scope = {
      self,
      id: '',
      sessionId: '',
      logger: discard,
      defer: discard,
      emit: discard,
      system: self.system,
      stopChild: discard,
      actionExecutor: discard,
    };
    inertScopes.set(machine, scope);
  }
  return scope;
}

/** The pure transition: the next snapshot, with every side effect discarded. */
export function nextState<M extends AnyStateMachine>(machine: M, state: SnapshotFrom<M>, event: EventFromLogic<M>): SnapshotFrom<M> {
  return machine.transition(state, event, inertScope(machine)) as SnapshotFrom<M>;
}

export function decodeStored<M extends AnyStateMachine>(
  aggregate: Aggregate<M, unknown>,
  event: RecordedEvent,
): EventFromLogic<M> {
  const decoded = aggregate.events.decode({ type: event.type, data: event.data });
  if (isLeft(decoded)) {
    throw new TetherError(
      'corrupt_event',
      `stored event ${event.stream}@${event.revision} (${event.type}) fails its codec`,
      PathReporter.report(decoded),
    );
  }
  return decoded.right;
}

export function evolve<M extends AnyStateMachine>(
  aggregate: Aggregate<M, unknown>,
  state: SnapshotFrom<M>,
  events: readonly RecordedEvent[],
): SnapshotFrom<M> {
  return events.reduce<SnapshotFrom<M>>((s, e) => nextState(aggregate.machine, s, decodeStored(aggregate, e)), state);
}

/** The state after newly decided events, each checked against its codec and against the machine (`can`) first. */
export function decidedState<M extends AnyStateMachine>(
  aggregate: Aggregate<M, unknown>,
  stream: string,
  state: SnapshotFrom<M>,
  events: readonly EventFromLogic<M>[],
): SnapshotFrom<M> {
  return events.reduce<SnapshotFrom<M>>((current, event) => {
    const type: string = event.type;
    if (!aggregate.events.is(event)) {
      throw new TetherError('invalid_event', `${aggregate.category} decided an event its codec refuses: ${type}`);
    }
    const snapshot: AnyMachineSnapshot = current;
    if (!snapshot.can(event)) {
      throw new TetherError('transition_forbidden', `${stream}: ${type} is not allowed in state ${JSON.stringify(snapshot.value)}`);
    }
    return nextState(aggregate.machine, current, event);
  }, state);
}
