// Writes come in bursts: one turn of the event loop hands a UDP stream's dial-back dozens of
// datagrams, and a hub restart makes thousands of hellos each answered by a welcome and a
// password; each was a write (a syscall) of its own. Holding the connection's writes until the
// turn ends sends the burst in one writev, and the peer reads it in one go. The hold
// lasts only until the check phase of the same turn (setImmediate), so nothing waits for
// company; writes held count in `writableLength`, so callers' limits on unsent bytes still hold.
import type { Writable } from 'node:stream';

export class TurnCork {
  private held = false;

  constructor(private readonly socket: Writable) {}

  /** Holds the socket's writes from now until the end of this turn of the event loop. */
  hold(): void {
    if (this.held || this.socket.destroyed) return;
    this.held = true;
    this.socket.cork();
    setImmediate(() => {
      this.held = false;
      this.socket.uncork();
    });
  }
}
