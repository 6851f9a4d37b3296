// The hub's side of a link a relay carries. The relay holds the port and the sockets; this
// decides and appends what the relay reports, passes messages between the relay and the agent
// (checked: a relay only ever reaches the link's own device port), and records the link's end,
// also when the relay is lost: then with the totals last reported, cause relay-lost.
import type { HubToRelayMessage, LinkClosed, RecordCommand, ToDevice } from '../domain/relay/channel-messages.js';
import type { AgentStreamMessage } from '../domain/gateway/stream-messages.js';
import type { Principal } from '../domain/principal.js';
import type { TunnelCommand } from '../domain/tunnel/commands.js';
import type { LinkProtocol } from '../domain/tunnel/link-fields.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import { TetherError, isTetherError } from '../domain/errors.js';
import type { CommandContext } from '../domain/command-context.js';
import { LiveTunnel } from './live-tunnel.js';
import type { TunnelEnvironment, TunnelInfo, Totals } from './live-tunnel.js';

/** What a remote link needs of the relay it is placed on. */
export interface RemoteTunnelHost {
  readonly relay: string;
  /** `http(s)://host:port` where the agent dials back to the relay. */
  readonly dialBackBase: string;
  /** The control channel is up. */
  readonly connected: boolean;
  /** Resolves once the control channel is gone. */
  readonly lostSignal: Promise<void>;
  send(message: HubToRelayMessage): void;
  release(tunnelId: string): void;
  readonly answerTimeoutMs: number;
}

export const relayPrincipal = (relay: string): Principal => ({ id: `relay-${relay}`, role: 'relay' });

const zero: Totals = { bytesToDevice: 0, bytesFromDevice: 0 };
const atLeast = (a: Totals, b: Totals): Totals => ({
  bytesToDevice: Math.max(a.bytesToDevice, b.bytesToDevice),
  bytesFromDevice: Math.max(a.bytesFromDevice, b.bytesFromDevice),
});

export class RemoteTunnel extends LiveTunnel {
  private reported: Totals = zero;
  private closedStreams: Totals = zero;
  private final: Totals | undefined;
  private answered: (() => void) | undefined;
  private readonly claimed = new Set<string>();

  constructor(
    info: TunnelInfo,
    env: TunnelEnvironment,
    private readonly protocol: LinkProtocol,
    private readonly host: RemoteTunnelHost,
  ) {
    super(info, env);
  }

  /** What the relay's reports are recorded as. */
  private relayContext(ip?: string): CommandContext {
    return { principal: relayPrincipal(this.host.relay), correlationId: this.info.tunnelId, ...(ip === undefined ? {} : { ip }) };
  }

  start(): void {
    // The relay records the link's traffic as it goes (it counts the bytes).
  }

  totals(): Totals {
    return atLeast(atLeast(this.reported, this.closedStreams), this.final ?? zero);
  }

  streamMessage(message: AgentStreamMessage): void {
    if (message.type !== 'stream-opened') this.release(message.streamId);
    if (this.host.connected) this.host.send({ type: 'device-message', tunnelId: this.info.tunnelId, message });
  }

  /** The relay asks the hub to decide and append a command of this link. */
  async record(request: RecordCommand): Promise<readonly string[]> {
    const command: TunnelCommand = request.command;
    const recorded = await this.env.record(command, this.relayContext(request.ip));
    const appended = recorded.events.length > 0;
    if (command.type === 'RecordTraffic') this.reported = atLeast(this.reported, command);
    if (command.type === 'CloseStream') {
      this.release(command.streamId);
      if (appended) {
        this.closedStreams = {
          bytesToDevice: this.closedStreams.bytesToDevice + command.bytesToDevice,
          bytesFromDevice: this.closedStreams.bytesFromDevice + command.bytesFromDevice,
        };
      }
    }
    return recorded.events.map((event) => event.type);
  }

  /** The relay's message for the agent: only about this link's streams, only to its device port. */
  toDevice(request: ToDevice): void {
    const { message } = request;
    const { control } = this.env;
    if (message.type === 'close-stream') {
      if (this.claimed.has(message.streamId) && control.open) control.send(message);
      this.release(message.streamId);
      return;
    }
    if (message.protocol !== this.protocol || this.closingCause !== undefined) {
      throw new TetherError('validation_failed', `open-stream for a ${message.protocol} stream on a ${this.protocol} link`);
    }
    this.claimed.add(message.streamId);
    this.env.claimStream(message.streamId, this);
    control.send({ ...message, target: { host: '127.0.0.1', port: this.info.devicePort }, dialBack: this.host.dialBackBase });
  }

  /** The link ended on the relay, by its own cause or because the hub asked. */
  relayClosed(message: LinkClosed): void {
    this.final = { bytesToDevice: message.bytesToDevice, bytesFromDevice: message.bytesFromDevice };
    if (this.answered !== undefined) {
      this.answered();
      return;
    }
    this.close(message.cause, this.relayContext()).catch((error: unknown) => this.logFailure(error, 'close'));
  }

  private release(streamId: string): void {
    if (this.claimed.delete(streamId)) this.env.releaseStream(streamId);
  }

  protected async teardown(cause: TerminationCause): Promise<void> {
    if (this.final === undefined && this.host.connected && cause !== 'relay-lost') {
      const answer = new Promise<void>((resolve) => {
        this.answered = resolve;
      });
      this.host.send({ type: 'close-link', tunnelId: this.info.tunnelId, cause });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.host.answerTimeoutMs);
      });
      await Promise.race([answer, this.host.lostSignal, timeout]);
      clearTimeout(timer);
    }
    // Streams the relay could not end itself: the agent still holds their device side.
    for (const streamId of this.claimed) {
      if (this.final === undefined && this.env.control.open) this.env.control.send({ type: 'close-stream', streamId, cause });
      this.env.releaseStream(streamId);
    }
    this.claimed.clear();
    this.host.release(this.info.tunnelId);
  }

  /** A failure the relay should hear of, as a record-failed code. */
  static codeOf(error: unknown): string {
    return isTetherError(error) ? error.code : 'internal';
  }
}
