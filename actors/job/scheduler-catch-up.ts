// Whether this node schedules a job kind now: it holds the kind's scheduler lease, and its view
// of the jobs got as far as the lease event that made it the scheduler. Its follower may lag
// the log by a step of the node that scheduled before; a step decided from a view the log has
// passed (a job started or completed twice) would be refused.
import type { SchedulerRole } from './job-kind.js';

export class SchedulerCatchUp {
  /** Position of the lease event that made this node the scheduler, the last time it came to be. */
  private takenAt: number | undefined;
  private followedTo = -1;
  private caughtUp = false;

  /** `began`: heard when this node begins to schedule, its view caught up. */
  constructor(
    private readonly role: SchedulerRole | undefined,
    private readonly began: () => void,
  ) {}

  /** Without a role (one node alone), the node always schedules. */
  get scheduling(): boolean {
    return this.role === undefined || (this.role.held && this.caughtUp);
  }

  /** This node took the lease by the event at `position`. */
  taken(position: number): void {
    this.takenAt = position;
    this.caughtUp = false;
    this.check();
  }

  /** The pool's view holds every job event up to `position`. */
  followed(position: number): void {
    this.followedTo = Math.max(this.followedTo, position);
    this.check();
  }

  private check(): void {
    if (this.caughtUp || this.takenAt === undefined || this.followedTo < this.takenAt) return;
    this.caughtUp = true;
    this.began();
  }
}
