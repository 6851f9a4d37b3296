// What a proxy supervisor holds of one profile's source port: a TCP port (tcp, tcp-over-device,
// http-over-device) or a UDP port. A host is bound before its profile's event is appended and
// serves only once started; retiring it closes the port while its live sessions go on (the
// enabled switch, a new port), closing it ends them too (removal, shutdown).
import type { Mac } from '../../domain/device/mac.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { DeviceStreams } from '../../data-plane/device-dialer.js';
import type { ForwardEnvironment, LiveForwardSession } from '../forward-session/forward-session.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { PluginDirectory } from './plugin-directory.js';

export interface ProxyHostEnv {
  readonly forward: ForwardEnvironment;
  /** Streams through devices, this node's or (asked of it) a peer's. */
  readonly dialer: DeviceStreams;
  readonly plugins: PluginDirectory;
  readonly nodeId: string;
  readonly clock: Clock;
  readonly logger: TunnelLogger;
}

export interface ProxyHost {
  readonly transport: 'tcp' | 'udp';
  readonly port: number;
  readonly sessionCount: number;
  /** Starts serving clients (after the profile's event is recorded). */
  start(): void;
  /** New connections use these settings from now on (same transport and port). */
  reconfigure(settings: ProxySettings): void;
  /** Closes the port; live sessions go on. */
  retire(): Promise<void>;
  /** Closes the port and ends every live session for `cause`. */
  close(cause: TerminationCause): Promise<void>;
  /** The device's control connection ended: sessions through it end (device-offline). */
  deviceOffline(mac: Mac): void;
}

/** The sessions of one host, and the device each goes through. */
export class HostSessions {
  private readonly sessions = new Map<LiveForwardSession, Mac | undefined>();

  constructor(private readonly logger: TunnelLogger) {}

  get size(): number {
    return this.sessions.size;
  }

  add(session: LiveForwardSession, device: Mac | undefined): void {
    this.sessions.set(session, device);
    session.onEnded(() => this.sessions.delete(session));
  }

  end(session: LiveForwardSession, cause: TerminationCause): Promise<void> {
    return session.close(cause).then(
      () => undefined,
      (error: unknown) => this.logger.error({ err: error, sessionId: session.sessionId, cause }, 'could not record the end of a session'),
    );
  }

  async endAll(cause: TerminationCause): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((session) => this.end(session, cause)));
  }

  deviceOffline(mac: Mac): void {
    for (const [session, device] of this.sessions) if (device === mac) void this.end(session, 'device-offline');
  }
}
