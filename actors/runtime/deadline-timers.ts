// The timers of the deadlines aggregates keep in their state: one set per stream, replaced
// whenever the stream's state changes, fired as commands with the system principal. A
// command that could not be stored (its issue rejects) is issued again shortly after, until
// the stream's state changes.
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { Aggregate } from '../../domain/aggregate.js';
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';

/** How long a deadline whose command failed waits before it is issued again. */
export const deadlineRetryMs = 1000;

export class DeadlineTimers {
  private readonly timers = new Map<string, TimerHandle[]>();
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Replaces the stream's timers with those of `state`; `issue` issues a deadline's command, rejecting when it may be tried again. */
  arm<M extends AnyStateMachine, C>(aggregate: Aggregate<M, C>, stream: string, state: SnapshotFrom<M>, issue: (command: C) => Promise<void>): void {
    this.timers.get(stream)?.forEach((h) => h.cancel());
    this.timers.delete(stream);
    const deadlines = aggregate.deadlines?.(state) ?? [];
    if (deadlines.length === 0 || this.stopped) return;
    const handles: TimerHandle[] = [];
    this.timers.set(stream, handles);
    for (const deadline of deadlines) handles.push(this.clock.at(new Date(deadline.at), () => this.fire(stream, handles, deadline.command, issue)));
  }

  stop(): void {
    this.stopped = true;
    for (const handles of this.timers.values()) handles.forEach((h) => h.cancel());
    this.timers.clear();
  }

  /** `handles`: the set the deadline was armed in; a retry joins it only while it is still the stream's. */
  private fire<C>(stream: string, handles: TimerHandle[], command: C, issue: (command: C) => Promise<void>): void {
    issue(command).catch(() => {
      if (this.stopped || this.timers.get(stream) !== handles) return;
      handles.push(this.clock.at(new Date(this.clock.now().getTime() + deadlineRetryMs), () => this.fire(stream, handles, command, issue)));
    });
  }
}
