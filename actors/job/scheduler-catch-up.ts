// Whether this node schedules a job kind now: it holds the kind's scheduler lease, and its view
// of the jobs got as far as the lease event that made it the scheduler. Its follower may lag
// the log by a step of the node that scheduled before; a step decided from a view the log has
// passed (a job started or completed twice) would be refused. While its follower is broken the
// node's view keeps up with nothing: it neither schedules nor bids, so that another node does.
import type { FollowerProgress } from './job-follower.js';
import type { SchedulerRole } from './job-kind.js';

export class SchedulerCatchUp implements FollowerProgress {
  /** Position of the lease event that made this node the scheduler, the last time it came to be. */
  private takenAt: number | undefined;
  private followedTo = -1;
  private caughtUp = false;
  private followerDown = false;

  /** `began`: heard when this node begins to schedule, its view caught up; `resumed`: when its follower follows again. */
  constructor(
    private readonly role: SchedulerRole | undefined,
    private readonly began: () => void,
    private readonly resumed: () => void,
  ) {}

  /** Without a role (one node alone), the node always schedules. */
  get scheduling(): boolean {
    return this.role === undefined || (this.role.held && this.caughtUp);
  }

  /** Whether this node's jobs need a scheduler: it bids for the lease only while its follower keeps its view up. */
  want(needed: boolean): void {
    this.role?.want(needed && !this.followerDown);
  }

  /** The follower broke (`down`), or follows again: until it reached the next take, this node does not schedule. */
  interrupted(down: boolean): void {
    this.followerDown = down;
    if (!down) return this.resumed();
    this.caughtUp = false;
    this.takenAt = undefined;
    this.role?.want(false);
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
