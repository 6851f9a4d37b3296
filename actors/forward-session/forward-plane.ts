// Proxies and protocol applications on this node, and what they share: the device streams they
// open (dial-backs), the service endpoints, the record of their sessions. The
// gateway hands it the device messages and dial-backs that are not a tunnel's. It follows
// the proxies' and applications' changes made through any hub node (definition-follower.ts).
import type { Socket } from 'node:net';
import type { Mac } from '../../domain/device/mac.js';
import type { AgentReverseMessage } from '../../domain/gateway/reverse-messages.js';
import type { AgentStreamMessage } from '../../domain/gateway/stream-messages.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { DeviceDialer } from '../../data-plane/device-dialer.js';
import type { DeviceStreams } from '../../data-plane/device-dialer.js';
import { ClusterDialer } from '../node/cluster-dialer.js';
import type { PeerStreams } from '../node/cluster-dialer.js';
import type { CommandOwners } from '../node/command-owners.js';
import type { DeviceConnections } from '../../data-plane/proven-connection.js';
import type { ForwardEnvironment } from './forward-session.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import type { PluginDirectory } from '../proxy/plugin-directory.js';
import { PortPool } from '../../data-plane/port-pool.js';
import type { PortRange } from '../../data-plane/port-pool.js';
import { ProtocolAppSupervisor } from '../protocol-app/protocol-app-supervisor.js';
import { ProxySupervisor } from '../proxy/proxy-supervisor.js';
import { ServiceEndpoints } from '../protocol-app/service-endpoints.js';
import { closeStaleForwards, ForwardStartup } from './stale-forwards.js';
import { DefinitionFollower } from './definition-follower.js';
import { proxyAggregate } from '../../domain/proxy/aggregate.js';
import { protocolAppAggregate } from '../../domain/protocol-app/aggregate.js';
import { scanLog } from '../runtime/log-scan.js';

export interface ForwardPlaneOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly devices: DeviceConnections;
  readonly nodeId: string;
  readonly logger: TunnelLogger;
  /** Named local services proxies may target. */
  readonly plugins: PluginDirectory;
  /** Where proxy source ports and application ports bind (the tunnels' bind address). */
  readonly bindAddress: string;
  /** The tunnels' port range: applications take their ports from it, proxies may not. */
  readonly ports: PortRange;
  /** Default 5000. */
  readonly progressIntervalMs?: number;
  /** Default 10 000. */
  readonly dialBackTimeoutMs?: number;
  /** A cluster's nodes: a proxy's stream through a device a live peer holds is asked of that peer. */
  readonly peers?: { readonly owners: CommandOwners; readonly streams: PeerStreams };
}

export class ForwardPlane {
  /** Streams through this node's devices. */
  readonly dialer: DeviceDialer;
  /** Streams through any live node's devices: what proxies use. */
  readonly streams: DeviceStreams;
  readonly endpoints = new ServiceEndpoints();
  readonly proxies: ProxySupervisor;
  readonly apps: ProtocolAppSupervisor;
  private readonly definitions: DefinitionFollower;

  constructor(private readonly options: ForwardPlaneOptions) {
    const { runtime, clock, nodeId, logger, plugins, bindAddress } = options;
    this.dialer = new DeviceDialer(options.devices, logger, options.dialBackTimeoutMs ?? 10_000);
    // Applications need no peers: their connections are made on the device's node.
    const { peers } = options;
    this.streams = peers === undefined ? this.dialer : new ClusterDialer(this.dialer, peers.owners, peers.streams, clock);
    const forward: ForwardEnvironment = { runtime, clock, logger, progressIntervalMs: options.progressIntervalMs ?? 5000 };
    this.proxies = new ProxySupervisor({
      runtime,
      bindAddress,
      reservedPorts: options.ports,
      env: { forward, dialer: this.streams, plugins, nodeId, clock, logger },
    });
    this.apps = new ProtocolAppSupervisor({
      runtime,
      env: { forward, dialer: this.dialer, pool: new PortPool(options.ports, bindAddress), endpoints: this.endpoints, clock, logger, nodeId },
    });
    const reconcilers = new Map([
      [proxyAggregate.category, (id: string, position?: number) => this.proxies.follow(id, position)],
      [protocolAppAggregate.category, (id: string) => this.apps.follow(id)],
    ]);
    this.definitions = new DefinitionFollower({ store: options.store, reconcilers, logger });
  }

  /** What start-up must read of the log; give it to the hub's one pass over the log, then to start(). */
  startupReader(): ForwardStartup {
    return new ForwardStartup(this.options.nodeId);
  }

  /**
   * Closes by an event the sessions a previous run of this node left open, then opens the
   * enabled proxies and follows the changes made through any node since start-up read the log.
   */
  async start(found?: ForwardStartup): Promise<void> {
    let startup = found;
    if (startup === undefined) {
      startup = this.startupReader();
      await scanLog(this.options.store, [startup]);
    }
    const stale = await closeStaleForwards(this.options.runtime, startup);
    if (stale > 0) this.options.logger.info({ sessions: stale, nodeId: this.options.nodeId }, 'recorded the sessions a previous run left open as ended');
    await this.definitions.start(new Map([[proxyAggregate.category, startup.proxies]]), startup.readTo);
  }

  streamMessage(mac: Mac, message: AgentStreamMessage): void {
    this.dialer.streamMessage(mac, message);
  }

  awaitsDialBack(streamId: string, token: string): boolean {
    return this.dialer.awaitsDialBack(streamId, token);
  }

  dialedBack(streamId: string, token: string, socket: Socket): void {
    this.dialer.dialedBack(streamId, token, socket);
  }

  /** A reverse-connection or service-endpoint message of a device's agent. */
  reverseMessage(mac: Mac, message: AgentReverseMessage): void {
    if (message.type !== 'service-endpoint') {
      this.apps.reverseMessage(mac, message);
      return;
    }
    const connection = this.options.devices.connectionOf(mac);
    if (connection === undefined) return;
    // Whether the connection proved its device password is checked each time the endpoint is used.
    this.endpoints.announced(mac, connection.link.connectionId);
    this.options.logger.info({ mac }, 'service endpoint online');
  }

  /** A device's control connection ended. */
  connectionEnded(mac: Mac, connectionId: string): void {
    this.endpoints.ended(mac, connectionId);
    this.dialer.connectionEnded(mac);
    this.proxies.connectionEnded(mac);
    this.apps.connectionEnded(mac);
  }

  /** Ends every live session with cause hub-shutdown; call while the store is open. */
  async shutdown(): Promise<void> {
    await this.definitions.close();
    await Promise.all([this.apps.shutdown(), this.proxies.shutdown()]);
  }
}
