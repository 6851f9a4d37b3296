// One port mapping of a dtt-reverse connection: the device's agent listens on its device port
// for the session that records it. The agent is asked to listen once that session is stored, and
// to stop once its end is stored (or could not be), once.
import { randomUUID } from 'node:crypto';
import { formatMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { PortMapping } from '../../domain/protocol-app/app-template.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import type { LiveForwardSession } from '../forward-session/forward-session.js';

export class ReverseListener {
  readonly listenerId = randomUUID();
  private ready: { readonly resolve: () => void; readonly reject: (error: TetherError) => void } | undefined;
  private stopped = false;

  constructor(
    readonly mapping: PortMapping,
    readonly session: LiveForwardSession,
    private readonly device: Mac,
  ) {}

  /** False once the agent was told to stop. */
  get listens(): boolean {
    return !this.stopped;
  }

  /** Asks the agent to listen; settles once it does, refuses, or has not within `timeoutMs`. */
  listen(control: ControlConnection, timeoutMs: number): Promise<void> {
    const listening = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TetherError('timeout', `device ${formatMac(this.device)} did not start listening on port ${this.mapping.devicePort} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
      const settled = (): void => {
        clearTimeout(timer);
        this.ready = undefined;
      };
      this.ready = {
        resolve: () => {
          settled();
          resolve();
        },
        reject: (error) => {
          settled();
          reject(error);
        },
      };
    });
    control.send({ type: 'reverse-listen', listenerId: this.listenerId, port: this.mapping.devicePort });
    return listening;
  }

  listening(): void {
    this.ready?.resolve();
  }

  refused(message: string): void {
    this.ready?.reject(new TetherError('device_failed', `device ${formatMac(this.device)} could not listen on port ${this.mapping.devicePort}: ${message}`));
  }

  /** Tells the agent to stop listening, through its control connection if it still has one. */
  stop(cause: TerminationCause, control: () => ControlConnection): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ready?.reject(new TetherError('unavailable', `the connection closed (${cause})`));
    try {
      control().send({ type: 'reverse-unlisten', listenerId: this.listenerId });
    } catch {
      // The device is gone: its listeners went with it.
    }
  }
}
