// Where a link's client-facing port and sockets live: the hub itself, or a relay that carries
// the data plane for it. Either way the hub places the link, records its events and talks to
// the agent; a host only holds the sockets.
import type { LinkSettings } from '../domain/tunnel/devicelink-request.js';
import type { ControlConnection } from './control-connection.js';
import type { TunnelKey } from './tunnel-cipher.js';
import type { TunnelInfo, LiveTunnel } from './live-tunnel.js';

export interface HostedTunnelRequest {
  readonly info: TunnelInfo;
  readonly settings: LinkSettings;
  readonly key?: TunnelKey;
  /** When the link has a source: the addresses its host stood for when the link opened. */
  readonly sourceAddresses?: readonly string[];
  /** The device's control connection. */
  readonly control: ControlConnection;
}

export interface HostedTunnel {
  /** Not started: the caller starts it once TunnelOpened is appended. */
  readonly link: LiveTunnel;
  readonly port: number;
  /** Recorded in TunnelOpened: the hub's bind address, or the host clients reach the relay at. */
  readonly host: string;
}

export interface TunnelHost {
  /** `hub`, or the relay's name: recorded as the session's relay. */
  readonly relay: string;
  /** Links placed here and not ended yet, those being opened included. */
  readonly load: number;
  /** Opens the link's port; throws ports_exhausted, relay_offline, ... */
  open(request: HostedTunnelRequest): Promise<HostedTunnel>;
  /** The link ended, or its opening was never recorded: its place here is free. */
  release(tunnelId: string): void;
}
