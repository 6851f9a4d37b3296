// A relay connected to this hub node by its control channel: a host for links. Opening a link
// asks the relay for a port; every report of the relay about a link goes to that link's
// RemoteTunnel. When the channel goes, every link on the relay ends with cause relay-lost.
import { TetherError } from '../domain/errors.js';
import type { HubToRelayMessage, LinkFailed, LinkOpened, RelayToHubMessage } from '../domain/relay/channel-messages.js';
import type { ErrorCode } from '../domain/errors.js';
import type { ControlConnection } from './control-connection.js';
import type { HostedTunnel, HostedTunnelRequest, TunnelHost } from './tunnel-host.js';
import type { TunnelEnvironment, TunnelLogger } from './live-tunnel.js';
import { RemoteTunnel } from './remote-tunnel.js';
import type { RemoteTunnelHost } from './remote-tunnel.js';

/** The relay's control connection as the hub sees it; the API adapts its socket into this. */
export interface RelayChannel {
  readonly open: boolean;
  send(message: HubToRelayMessage): void;
  /** Closes the connection (the relay reconnects if it still may). */
  close(reason: string): void;
}

export interface RelayTunnelHostOptions {
  readonly relay: string;
  readonly channel: RelayChannel;
  /** `http(s)://host:port` where agents dial back to this relay. */
  readonly dialBackBase: string;
  /** Where clients reach the relay's link ports (its external host name, else its host name). */
  readonly clientHost: string;
  readonly environment: (tunnelId: string, control: ControlConnection) => TunnelEnvironment;
  readonly progressIntervalMs: number;
  readonly answerTimeoutMs: number;
  readonly logger: TunnelLogger;
}

interface Opening {
  readonly resolve: (port: number) => void;
  readonly reject: (error: TetherError) => void;
  readonly timer: NodeJS.Timeout;
}

const knownCodes = new Set<string>(['ports_exhausted', 'no_relay_available', 'validation_failed', 'unavailable']);

export class RelayTunnelHost implements TunnelHost, RemoteTunnelHost {
  readonly relay: string;
  readonly dialBackBase: string;
  readonly answerTimeoutMs: number;
  readonly lostSignal: Promise<void>;
  private readonly links = new Map<string, RemoteTunnel>();
  private readonly opening = new Map<string, Opening>();
  private lost = false;
  private markLost: () => void = () => undefined;

  constructor(private readonly options: RelayTunnelHostOptions) {
    this.relay = options.relay;
    this.dialBackBase = options.dialBackBase;
    this.answerTimeoutMs = options.answerTimeoutMs;
    this.lostSignal = new Promise((resolve) => {
      this.markLost = resolve;
    });
  }

  get load(): number {
    return this.links.size + this.opening.size;
  }

  get connected(): boolean {
    return !this.lost && this.options.channel.open;
  }

  send(message: HubToRelayMessage): void {
    if (this.connected) this.options.channel.send(message);
  }

  async open(request: HostedTunnelRequest): Promise<HostedTunnel> {
    const { info, settings, key, sourceAddresses, control } = request;
    const { tunnelId } = info;
    if (!this.connected) throw new TetherError('relay_offline', `relay ${this.relay} is not connected: the session cannot start on it`);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settleOpening(tunnelId, new TetherError('relay_offline', `relay ${this.relay} did not open a port within ${this.answerTimeoutMs} ms`)),
        this.answerTimeoutMs,
      );
      this.opening.set(tunnelId, { resolve, reject, timer });
      this.options.channel.send({
        type: 'open-link',
        tunnelId,
        device: info.device,
        tenantId: info.tenantId,
        protocol: settings.protocol,
        devicePort: settings.devicePort,
        agentIP: control.ip,
        progressIntervalMs: this.options.progressIntervalMs,
        ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
        ...(settings.source === undefined ? {} : { source: settings.source }),
        ...(sourceAddresses === undefined ? {} : { sourceAddresses: [...sourceAddresses] }),
        ...(settings.encrypt === undefined || key === undefined ? {} : { encrypt: settings.encrypt }),
      });
    });
    const link = new RemoteTunnel(info, this.options.environment(tunnelId, control), settings.protocol, this);
    this.links.set(tunnelId, link);
    // The channel may have gone while the port was reported.
    if (this.lost) void link.close('relay-lost').catch(() => undefined);
    return { link, port, host: this.options.clientHost };
  }

  release(tunnelId: string): void {
    this.links.delete(tunnelId);
  }

  /** A message of the relay, decoded. */
  receive(message: RelayToHubMessage): void {
    switch (message.type) {
      case 'link-opened':
      case 'link-failed':
        this.answerOpening(message);
        return;
      case 'link-closed': {
        const link = this.links.get(message.tunnelId);
        if (link === undefined) {
          this.options.logger.warn({ relay: this.relay, tunnelId: message.tunnelId }, 'a relay closed a link this hub does not hold');
          return;
        }
        link.relayClosed(message);
        return;
      }
      case 'record': {
        const link = this.links.get(message.tunnelId);
        if (link === undefined) {
          this.send({ type: 'record-failed', requestId: message.requestId, code: 'not_found', message: 'no open link with this id is placed on this relay' });
          return;
        }
        link.record(message).then(
          (events) => this.send({ type: 'recorded', requestId: message.requestId, events: [...events] }),
          (error: unknown) => {
            const code = RemoteTunnel.codeOf(error);
            if (code !== 'transition_forbidden') this.options.logger.warn({ err: error, relay: this.relay, tunnelId: message.tunnelId }, 'a relay report was refused');
            this.send({ type: 'record-failed', requestId: message.requestId, code, message: error instanceof Error ? error.message : String(error) });
          },
        );
        return;
      }
      case 'to-device': {
        const link = this.links.get(message.tunnelId);
        try {
          if (link === undefined) throw new TetherError('not_found', 'no open link with this id is placed on this relay');
          link.toDevice(message);
        } catch (error) {
          this.options.logger.warn({ err: error, relay: this.relay, tunnelId: message.tunnelId }, 'a relay message for a device was dropped');
        }
        return;
      }
    }
  }

  /** The control channel is gone: every link on the relay ends with cause relay-lost. */
  lose(): void {
    if (this.lost) return;
    this.lost = true;
    this.markLost();
    for (const tunnelId of [...this.opening.keys()]) {
      this.settleOpening(tunnelId, new TetherError('relay_offline', `relay ${this.relay} was lost before it opened a port`));
    }
    for (const link of this.links.values()) {
      link.close('relay-lost').catch((error: unknown) => {
        this.options.logger.error({ err: error, tunnelId: link.info.tunnelId }, 'could not record the end of a link on a lost relay');
      });
    }
  }

  /** Closes the control channel, e.g. because the relay's token was reset; its links end as when it is lost. */
  disconnect(reason: string): void {
    this.options.channel.close(reason);
    this.lose();
  }

  private answerOpening(message: LinkOpened | LinkFailed): void {
    if (message.type === 'link-opened') {
      const opening = this.opening.get(message.tunnelId);
      if (opening === undefined) {
        // Too late: the hub gave up on it. The relay lets it go.
        this.send({ type: 'close-link', tunnelId: message.tunnelId, cause: 'error' });
        return;
      }
      this.opening.delete(message.tunnelId);
      clearTimeout(opening.timer);
      opening.resolve(message.port);
      return;
    }
    const code = (knownCodes.has(message.code) ? message.code : 'unavailable') as ErrorCode;
    this.settleOpening(message.tunnelId, new TetherError(code, `relay ${this.relay}: ${message.message}`));
  }

  private settleOpening(tunnelId: string, error: TetherError): void {
    const opening = this.opening.get(tunnelId);
    if (opening === undefined) return;
    this.opening.delete(tunnelId);
    clearTimeout(opening.timer);
    opening.reject(error);
  }
}
