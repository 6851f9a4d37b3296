// Every node listens on every proxy's source port, but a device's control connection lives in
// one node's process. A stream through a device this node does not hold, and the log says a
// live peer holds (CommandOwners.ofDevice), is asked of that peer: it dials the device itself
// and carries the stream back on one connection between the nodes (api/device-stream-server.ts).
// A device nobody live holds is dialled here, and is device_offline as on one node. UDP is only
// ever dialled here: proxies carry TCP, and a protocol application runs on the device's node.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Mac } from '../../domain/device/mac.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { DeviceDialer, DeviceStreams, DialedStream, StreamOptions, StreamTarget, UdpHandlers, UdpThroughDevice } from '../../data-plane/device-dialer.js';
import { resetSocket } from '../../wire/socket-splice.js';
import type { CommandOwner, CommandOwners } from './command-owners.js';

/** What a node asks of the peer holding a device. */
export interface DeviceStreamRequest {
  readonly mac: Mac;
  readonly target: StreamTarget;
  readonly tenantId?: string;
}

/** Opens a stream at a peer (at its internal address); rejects with the peer's TetherError. */
export interface PeerStreams {
  open(peer: { readonly nodeId: string; readonly address: string }, request: DeviceStreamRequest, options: { readonly clientIp?: string; readonly signal?: AbortSignal }): Promise<{ readonly socket: Socket; readonly agentIP: string }>;
}

type Peer = Extract<CommandOwner, { kind: 'peer' }>;

/** How often the log is read again while waiting to learn whether a peer's device went away. */
const recheckMs = 100;

export class ClusterDialer implements DeviceStreams {
  constructor(
    private readonly local: DeviceDialer,
    private readonly owners: CommandOwners,
    private readonly peers: PeerStreams,
    private readonly clock: Clock,
  ) {}

  async dialTcp(mac: Mac, target: StreamTarget, options: StreamOptions = {}): Promise<DialedStream> {
    const peer = await this.peerHolding(mac);
    if (peer === undefined) return this.local.dialTcp(mac, target, options);
    const { socket, agentIP } = await this.peers.open(peer, requestOf(mac, target, options.tenantId), options);
    // The peer tells the agent the stream is over once its connection from here ends.
    return { streamId: randomUUID(), socket, agentIP, close: () => resetSocket(socket) };
  }

  /** Through a device this node holds only. */
  openUdp(mac: Mac, target: StreamTarget, handlers: UdpHandlers, tenantId?: string): Promise<UdpThroughDevice> {
    return this.local.openUdp(mac, target, handlers, tenantId);
  }

  /**
   * A device held elsewhere went away once the log no longer names its peer (its
   * disconnection is stored there), so the cause is the one its own node records.
   */
  async whenOffline(mac: Mac, graceMs: number): Promise<boolean> {
    const peer = await this.peerHolding(mac);
    if (peer === undefined) return this.local.whenOffline(mac, graceMs);
    const until = this.clock.now().getTime() + graceMs;
    for (;;) {
      const left = until - this.clock.now().getTime();
      if (left <= 0) return false;
      await this.after(Math.min(recheckMs, left));
      const owner = await this.owners.ofDevice(mac);
      if (owner.kind !== 'peer' || owner.nodeId !== peer.nodeId) return true;
    }
  }

  private after(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.at(new Date(this.clock.now().getTime() + ms), resolve));
  }

  private async peerHolding(mac: Mac): Promise<Peer | undefined> {
    if (this.local.connectionOf(mac) !== undefined) return undefined;
    const owner = await this.owners.ofDevice(mac);
    return owner.kind === 'peer' ? owner : undefined;
  }
}

const requestOf = (mac: Mac, target: StreamTarget, tenantId: string | undefined): DeviceStreamRequest => ({
  mac,
  target: { host: target.host, port: target.port },
  ...(tenantId === undefined ? {} : { tenantId }),
});
