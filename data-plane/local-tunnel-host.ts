// The hub's own link ports (the built-in relay `hub`): a port from the configured range on the
// bind address, and the TCP or UDP link that serves it in this process. The ports are made as
// every client-facing port is (source-port.ts, bound-port.ts).
import { hubRelayName } from '../domain/relay/relay-name.js';
import { pinFromSource } from '../domain/tunnel/admission.js';
import { UdpPort } from './bound-port.js';
import type { ControlConnection } from './control-connection.js';
import type { HostedTunnel, HostedTunnelRequest, TunnelHost } from './tunnel-host.js';
import type { TunnelEnvironment } from './live-tunnel.js';
import { PortPool } from './port-pool.js';
import type { PortRange } from './port-pool.js';
import { clientServer } from './source-port.js';
import { TcpTunnel } from './tcp-tunnel.js';
import { UdpTunnel } from './udp-tunnel.js';

/** Opens a link's port on `pool` and builds the link that serves it; shared by the hub and relays. */
export async function openLinkOn(pool: PortPool, request: HostedTunnelRequest, env: TunnelEnvironment): Promise<{ link: TcpTunnel | UdpTunnel; port: number }> {
  const { info, settings, key, sourceAddresses } = request;
  if (settings.protocol === 'tcp') {
    const server = clientServer();
    const port = await pool.listen(server);
    const pin = settings.source === undefined ? undefined : pinFromSource(settings.source, sourceAddresses ?? [settings.source.host]);
    return { link: new TcpTunnel(info, env, server, key, pin), port };
  }
  const bound = await UdpPort.fromPool(pool, (error) => env.logger.warn({ err: error, tunnelId: info.tunnelId }, 'device link UDP socket error'));
  const source = settings.source === undefined ? undefined : { host: sourceAddresses?.[0] ?? settings.source.host, port: settings.source.port };
  const link = new UdpTunnel(info, env, bound, {
    ...(key === undefined ? {} : { key }),
    ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
    ...(source === undefined ? {} : { source }),
  });
  return { link, port: bound.port };
}

export class LocalTunnelHost implements TunnelHost {
  readonly relay = hubRelayName;
  private readonly pool: PortPool;
  private opening = 0;
  private readonly held = new Set<string>();

  constructor(
    ports: PortRange,
    readonly bindAddress: string,
    private readonly environment: (tunnelId: string, control: ControlConnection) => TunnelEnvironment,
  ) {
    this.pool = new PortPool(ports, bindAddress);
  }

  get load(): number {
    return this.held.size + this.opening;
  }

  async open(request: HostedTunnelRequest): Promise<HostedTunnel> {
    const { tunnelId } = request.info;
    this.opening += 1;
    try {
      const { link, port } = await openLinkOn(this.pool, request, this.environment(tunnelId, request.control));
      this.held.add(tunnelId);
      return { link, port, host: this.bindAddress };
    } finally {
      this.opening -= 1;
    }
  }

  /** The link ended. */
  release(tunnelId: string): void {
    this.held.delete(tunnelId);
  }
}
