// What the runtime answers a load or a command with.
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { EventToAppend } from '../../domain/ports/event-store.js';

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

export interface ReservedExecuted<M extends AnyStateMachine, H> extends Executed<M> {
  /** What reserve held, now applied; absent when the command changed nothing (it was released). */
  readonly held?: H;
}
