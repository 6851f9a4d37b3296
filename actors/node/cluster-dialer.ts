// Every node listens on every proxy's source port, but a device's control connection lives in
// one node's process. A stream through a device this node does not hold, and the log says a
// live peer holds (CommandOwners.ofDevice), is asked of that peer: it dials the device itself
// and carries the stream back on one connection between the nodes (api/device-stream-server.ts).
// A device nobody live holds is dialled here, and is device_offline as on one node.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Mac } from '../../domain/device/mac.js';
import type { DeviceDialer, DeviceStreams, DialedStream, StreamOptions, StreamTarget, UdpHandlers, UdpThroughDevice } from '../../data-plane/device-dialer.js';
import { DatagramWriter, readDatagrams } from '../../wire/datagram-stream.js';
import { resetSocket } from '../../wire/socket-splice.js';
import type { CommandOwner, CommandOwners } from './command-owners.js';

/** What a node asks of the peer holding a device. */
export interface DeviceStreamRequest {
  readonly mac: Mac;
  readonly target: StreamTarget;
  readonly protocol: 'tcp' | 'udp';
  readonly tenantId?: string;
}

/** Opens a stream at a peer (its internal address); rejects with the peer's TetherError. */
export interface PeerStreams {
  open(address: string, request: DeviceStreamRequest, options: { readonly clientIp?: string; readonly signal?: AbortSignal }): Promise<{ readonly socket: Socket; readonly agentIP: string }>;
}

type Peer = Extract<CommandOwner, { kind: 'peer' }>;

export class ClusterDialer implements DeviceStreams {
  constructor(
    private readonly local: DeviceDialer,
    private readonly owners: CommandOwners,
    private readonly peers: PeerStreams,
  ) {}

  async dialTcp(mac: Mac, target: StreamTarget, options: StreamOptions = {}): Promise<DialedStream> {
    const peer = await this.peerHolding(mac);
    if (peer === undefined) return this.local.dialTcp(mac, target, options);
    const { socket, agentIP } = await this.peers.open(peer.address, requestOf(mac, target, 'tcp', options.tenantId), options);
    // The peer tells the agent the stream is over once its connection from here ends.
    return { streamId: randomUUID(), socket, agentIP, close: () => resetSocket(socket) };
  }

  async openUdp(mac: Mac, target: StreamTarget, handlers: UdpHandlers, tenantId?: string): Promise<UdpThroughDevice> {
    const peer = await this.peerHolding(mac);
    if (peer === undefined) return this.local.openUdp(mac, target, handlers, tenantId);
    const { socket, agentIP } = await this.peers.open(peer.address, requestOf(mac, target, 'udp', tenantId), {});
    const writer = new DatagramWriter(socket);
    let open = true;
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (!open) return;
      open = false;
      handlers.closed('device-closed');
    });
    readDatagrams(socket, handlers.datagram);
    return {
      streamId: randomUUID(),
      agentIP,
      send: (payload) => open && writer.write(payload),
      close: () => {
        open = false;
        socket.destroy();
      },
    };
  }

  /** A device held elsewhere answers false: its peer's stream ends on its own, and the log says the rest. */
  async whenOffline(mac: Mac, graceMs: number): Promise<boolean> {
    return (await this.peerHolding(mac)) === undefined ? this.local.whenOffline(mac, graceMs) : false;
  }

  private async peerHolding(mac: Mac): Promise<Peer | undefined> {
    if (this.local.connectionOf(mac) !== undefined) return undefined;
    const owner = await this.owners.ofDevice(mac);
    return owner.kind === 'peer' ? owner : undefined;
  }
}

const requestOf = (mac: Mac, target: StreamTarget, protocol: 'tcp' | 'udp', tenantId: string | undefined): DeviceStreamRequest => ({
  mac,
  target: { host: target.host, port: target.port },
  protocol,
  ...(tenantId === undefined ? {} : { tenantId }),
});
