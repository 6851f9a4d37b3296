// The lifetimes of this node's TCP tunnels. A tunnel's deadline is data in its TunnelOpened
// (expiresAt), so the timer here only ends it on time: the tunnel's decider refuses clients past
// the deadline whether or not the timer has fired.
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';

export class TunnelLifetimes {
  private readonly timers = new Map<string, TimerHandle>();

  /** `expire` ends the link (by an event with cause lifetime-expired). */
  constructor(
    private readonly clock: Clock,
    private readonly expire: (tunnelId: string) => void,
  ) {}

  arm(tunnelId: string, expiresAt: string): void {
    this.forget(tunnelId);
    const timer = this.clock.at(new Date(expiresAt), () => {
      this.timers.delete(tunnelId);
      this.expire(tunnelId);
    });
    this.timers.set(tunnelId, timer);
  }

  /** The link ended: its timer goes with it. */
  forget(tunnelId: string): void {
    this.timers.get(tunnelId)?.cancel();
    this.timers.delete(tunnelId);
  }
}
