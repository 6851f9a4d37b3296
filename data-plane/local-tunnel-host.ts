// The hub's own link ports (the built-in relay `hub`): a port from the configured range on the
// bind address, and the TCP or UDP link that serves it in this process.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { hubRelayName } from '../domain/relay/relay-name.js';
import { pinFromSource } from '../domain/tunnel/admission.js';
import { isIPv6 } from '../domain/tunnel/address.js';
import type { ControlConnection } from './control-connection.js';
import type { HostedTunnel, HostedTunnelRequest, TunnelHost } from './tunnel-host.js';
import type { TunnelEnvironment } from './live-tunnel.js';
import { PortPool } from './port-pool.js';
import type { PortRange } from './port-pool.js';
import { TcpTunnel } from './tcp-tunnel.js';
import { UdpTunnel } from './udp-tunnel.js';

// A UDP link's socket takes bursts: the default receive buffer (about 208 KiB) drops them.
export const udpBufferBytes = 4 * 1024 * 1024;

/** Opens a link's port on `pool` and builds the link that serves it; shared by the hub and relays. */
export async function openLinkOn(pool: PortPool, request: HostedTunnelRequest, env: TunnelEnvironment): Promise<{ link: TcpTunnel | UdpTunnel; port: number }> {
  const { info, settings, key, sourceAddresses } = request;
  if (settings.protocol === 'tcp') {
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    const port = await pool.listen(server);
    const pin = settings.source === undefined ? undefined : pinFromSource(settings.source, sourceAddresses ?? [settings.source.host]);
    return { link: new TcpTunnel(info, env, server, key, pin), port };
  }
  const type = isIPv6(pool.host) ? 'udp6' : 'udp4';
  const bound = await pool.bind(() => createSocket({ type, recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes }));
  const source = settings.source === undefined ? undefined : { host: sourceAddresses?.[0] ?? settings.source.host, port: settings.source.port };
  const link = new UdpTunnel(info, env, bound.socket, {
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
