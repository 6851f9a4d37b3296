// The commands a relay's links ask the hub to decide and append (`record`), each waiting for
// the hub's answer on the control channel. A relay appends nothing itself: every event of its
// links is the hub's.
import type { Recorded } from '../data-plane/live-tunnel.js';
import { TetherError } from '../domain/errors.js';
import type { ErrorCode } from '../domain/errors.js';
import type { RelayToHubMessage, RelayTunnelCommand } from '../domain/relay/channel-messages.js';
import type { TunnelCommand } from '../domain/tunnel/commands.js';

interface Pending {
  readonly resolve: (recorded: Recorded) => void;
  readonly reject: (error: TetherError) => void;
}

// The codes a link tells apart (a refused attach, a second end of one stream); others mean "not now".
const passedOn = new Set<string>(['transition_forbidden', 'not_found', 'validation_failed', 'already_exists']);

const relayCommandOf = (command: TunnelCommand): RelayTunnelCommand | undefined =>
  command.type === 'OpenTunnel' || command.type === 'CloseTunnel' || command.type === 'RecordRelayReport' ? undefined : command;

export class RecordRequests {
  private readonly pending = new Map<number, Pending>();
  private nextRequest = 1;

  /** `send` is false when the control channel is down. */
  constructor(private readonly send: (message: RelayToHubMessage) => boolean) {}

  /** Asks the hub to decide and append a command of link `tunnelId`. */
  record(tunnelId: string, command: TunnelCommand, ip: string | undefined): Promise<Recorded> {
    const relayed = relayCommandOf(command);
    if (relayed === undefined) return Promise.reject(new TetherError('internal', `a relay never records ${command.type}`));
    return new Promise((resolve, reject) => {
      const requestId = this.nextRequest;
      this.nextRequest += 1;
      this.pending.set(requestId, { resolve, reject });
      if (!this.send({ type: 'record', requestId, tunnelId, command: relayed, ...(ip === undefined ? {} : { ip }) })) {
        this.take(requestId)?.reject(new TetherError('unavailable', 'the control channel to the hub is down'));
      }
    });
  }

  /** The hub appended the events of request `requestId`. */
  recorded(requestId: number, events: readonly string[]): void {
    this.take(requestId)?.resolve({ events: events.map((type) => ({ type })) });
  }

  /** The hub refused request `requestId`. */
  refused(requestId: number, code: string, message: string): void {
    const passed = (passedOn.has(code) ? code : 'unavailable') as ErrorCode;
    this.take(requestId)?.reject(new TetherError(passed, `the hub refused: ${message}`));
  }

  /** No answer can come any more: every waiting request fails with `error`. */
  rejectAll(error: TetherError): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private take(requestId: number): Pending | undefined {
    const pending = this.pending.get(requestId);
    this.pending.delete(requestId);
    return pending;
  }
}
