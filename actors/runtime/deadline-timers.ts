// The timers of the deadlines aggregates keep in their state: one set per stream, replaced
// whenever the stream's state changes, fired as commands with the system principal.
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { Aggregate } from '../../domain/aggregate.js';
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';

export class DeadlineTimers {
  private readonly timers = new Map<string, TimerHandle[]>();
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Replaces the stream's timers with those of `state`; `fire` issues a deadline's command. */
  arm<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, stream: string, state: SnapshotFrom<M>, fire: (command: C) => void): void {
    this.timers.get(stream)?.forEach((h) => h.cancel());
    this.timers.delete(stream);
    const deadlines = aggregate.deadlines?.(state) ?? [];
    if (deadlines.length === 0 || this.stopped) return;
    this.timers.set(
      stream,
      deadlines.map((deadline) => this.clock.at(new Date(deadline.at), () => fire(deadline.command))),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const handles of this.timers.values()) handles.forEach((h) => h.cancel());
    this.timers.clear();
  }
}
