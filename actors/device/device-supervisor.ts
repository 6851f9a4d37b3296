// Owns the devices' live control connections on this node. Their sessions are the device's
// live module's (device-live.ts): the runtime sets, ends and updates them once the events
// saying so are stored, whatever on this node issued the command, so an end is stored before
// the effects it causes (the links it carried end after it). What the supervisor adds is the
// hello's answer and the secrets sent on a connection, each appended first and sent after: a
// provisioning code's redemption, the tenant password (device-credentials.ts), and the device
// password, decided with its assignment and sent by the live module's apply.
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import { isAssigned } from '../../domain/device/decide.js';
import type { DisconnectCause } from '../../domain/device/events.js';
import type { deviceMachine } from '../../domain/device/machine.js';
import type { Mac } from '../../domain/device/mac.js';
import { isTetherError } from '../../domain/errors.js';
import type { Hello } from '../../domain/gateway/agent-messages.js';
import { devicePrincipal, systemPrincipal } from '../../domain/principal.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { LiveAggregate } from '../runtime/live-module.js';
import type { Executed, ReservedExecuted } from '../runtime/runtime-results.js';
import { DeviceCredentials } from './device-credentials.js';
import type { Assignment } from './device-credentials.js';
import { whyNotAssignableHere } from './device-assignability.js';
import type { DeviceEventFollower } from './device-event-follower.js';
import { DeviceLive, isHeldHello } from './device-live.js';
import type { DeviceHold, DeviceRequest } from './device-live.js';
import { followForSessions } from './device-session-follower.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { DeviceSessions } from './device-sessions.js';
import type { LiveDevice, Session } from './device-sessions.js';
import { disconnectStaleConnections } from './device-stale-connections.js';

import type { StaleConnections } from './device-stale-connections.js';
import type { DeviceSupervisorOptions } from './device-supervisor-options.js';
import { DeviceWorkQueue } from './device-work-queue.js';
import { provenConnection } from '../../data-plane/proven-connection.js';

/** What an assignment stored, for the route to wait on; the password it made stays with the device. */
export type AssignmentStored = Pick<Executed<typeof deviceMachine>, 'events' | 'position'>;

export class DeviceSupervisor {
  private readonly sessions = new DeviceSessions();
  private readonly credentials: DeviceCredentials;
  private readonly live: DeviceLive;
  private readonly devices: LiveAggregate<typeof deviceMachine, DeviceCommand, DeviceRequest, DeviceHold>;
  private readonly queue = new DeviceWorkQueue();
  private following: DeviceEventFollower | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: DeviceSupervisorOptions) {
    this.credentials = new DeviceCredentials(options, this.sessions);
    this.live = new DeviceLive(this.sessions, { nodeId: options.nodeId, admission: options.admission, credentials: this.credentials, logger: options.logger });
    this.devices = options.runtime.register(deviceAggregate, this.live);
  }

  /** Devices connected to this node right now. */
  get onlineCount(): number {
    return this.sessions.size;
  }

  /**
   * Follows device and tenant events, then closes by an event the connections a previous run
   * of this node left recorded online. Call before accepting connections; returns how many.
   */
  async start(found?: StaleConnections): Promise<number> {
    this.following ??= followForSessions({ ...this.options, sessions: this.sessions, live: this.live, queue: this.queue, credentials: this.credentials });
    const { runtime, store, nodeId } = this.options;
    const stale = await disconnectStaleConnections(runtime, store, nodeId, found);
    if (stale > 0) this.options.logger.info({ devices: stale, nodeId }, 'recorded the connections a previous run left open as ended');
    return stale;
  }

  /** The live control connection of a device on this node, and the tenant it proved it belongs to. */
  connectionOf(mac: Mac): { readonly link: ControlConnection; readonly tenantId: string | undefined } | undefined {
    const session = this.sessions.get(mac);
    return session === undefined ? undefined : { link: session.link, tenantId: session.tenantId };
  }

  /** Called whenever a device's live connection on this node ends, by any cause. */
  onConnectionEnded(listener: (mac: Mac, connectionId: string) => void): void {
    this.sessions.onConnectionEnded(listener);
  }

  /** Called when a device on this node has said hello and been answered, and when its tenant or admin-set categories change while connected. */
  onDeviceLive(listener: (mac: Mac, device: LiveDevice) => void): void {
    this.sessions.onDeviceLive(listener);
  }

  /** A hello on a link: records the connection and answers it. */
  hello(link: ControlConnection, hello: Hello): Promise<void> {
    return this.queue.run(hello.mac, async () => {
      if (this.stopping) {
        link.close('hub-shutdown');
        return;
      }
      if (link.open) await this.connect(link, hello);
    });
  }

  /** The link said hello for `mac` and has now closed. */
  disconnected(mac: Mac, link: ControlConnection, cause: DisconnectCause): Promise<void> {
    return this.queue.run(mac, async () => {
      // Not the live connection here: it was refused, superseded or shut down, all already recorded.
      if (this.sessions.get(mac)?.link !== link) return;
      const command: DeviceCommand = { type: 'RecordDisconnection', connectionId: link.connectionId, cause };
      try {
        await this.options.runtime.execute(deviceAggregate, mac, command, this.linkContext(mac, link));
      } finally {
        // Stored, the live module ended the session; not stored (the store failed, or the log
        // says it ended already), the socket is gone all the same.
        this.live.end(mac, link.connectionId);
      }
    });
  }

  /** Assigns (or moves) a device connected to this node, delivering its new password at once; answers what was stored, never the password. */
  assign(mac: Mac, tenantId: string, context: CommandContext): Promise<AssignmentStored> {
    return this.queue.run(mac, async () => {
      const session = this.sessions.get(mac);
      if (session === undefined || !session.link.open) throw await whyNotAssignableHere(this.options.runtime, mac);
      // Moving an assigned device hands its new password to the connection: it must be the device's own.
      if (isAssigned((await this.options.runtime.load(deviceAggregate, mac)).state)) provenConnection(this, mac);
      const { events, position } = await this.assignLive(session, tenantId, { via: 'admin' }, context);
      await this.credentials.deployTenantPassword(session, context);
      return position === undefined ? { events } : { events, position };
    });
  }

  /**
   * Graceful shutdown: refuses new hellos, lets work in flight finish, then records every live
   * connection as ended by hub-shutdown and tells its device so. Call while the store is open.
   */
  shutdown(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      await this.following?.close();
      await this.queue.drain();
      await Promise.all([...this.sessions.values()].map(({ mac, link }) => this.shutDown(mac, link)));
    })();
    return this.stopped;
  }

  private async shutDown(mac: Mac, link: ControlConnection): Promise<void> {
    const command: DeviceCommand = { type: 'RecordDisconnection', connectionId: link.connectionId, cause: 'hub-shutdown' };
    try {
      await this.options.runtime.execute(deviceAggregate, mac, command, { principal: systemPrincipal });
    } catch (error) {
      this.options.logger.error({ err: error, mac }, 'could not record the end of a connection at shutdown');
    }
    this.live.end(mac, link.connectionId, 'hub-shutdown');
  }

  private async connect(link: ControlConnection, hello: Hello): Promise<void> {
    const { mac } = hello;
    const context = this.linkContext(mac, link);
    const connected = await this.recordConnection(link, hello, context);
    const session = this.sessions.get(mac);
    // Refused (another connection is live and this one did not prove it is the device), or not stored.
    if (connected?.held === undefined || !isHeldHello(connected.held) || session?.link !== link) return;
    const { tenantPassword } = connected.held;
    if (session.tenantId === undefined && hello.code !== undefined) {
      const redeemed = await this.credentials.redeem(session, hello.code, context);
      if (redeemed !== undefined) await this.assignLive(session, redeemed.tenantId, redeemed.assignment, context);
    }
    link.send(session.tenantId === undefined ? { type: 'welcome', state: 'unassigned' } : { type: 'welcome', state: 'assigned', tenant: session.tenantId });
    const deployed = connected.events.some((event) => event.type === 'TenantPasswordDeployed');
    if (deployed && tenantPassword?.password !== undefined) link.send({ type: 'tenant-password', password: tenantPassword.password });
    // Not looked up for the tenant the device is in now (a code was redeemed, or it moved meanwhile).
    else if (session.tenantId !== tenantPassword?.tenantId) await this.credentials.deployTenantPassword(session, context);
    this.live.welcomed(session);
  }

  /** The connection, recorded with what the live module reserved for it; undefined when refused for its address's share of new MACs. */
  private async recordConnection(link: ControlConnection, hello: Hello, context: CommandContext): Promise<ReservedExecuted<typeof deviceMachine, DeviceHold> | undefined> {
    try {
      return await this.options.runtime.reserve(this.devices, hello.mac, { link, hello, context }, context);
    } catch (error) {
      if (!isTetherError(error, 'rate_limited')) throw error;
      link.send({ type: 'error', code: error.code, message: error.message });
      link.close('rate-limited');
      return undefined;
    }
  }

  /** One decision: the assignment with its new password's delivery; the password goes out once both are stored (the session learns its tenant from them). */
  private assignLive(session: Session, tenantId: string, assignment: Assignment, context: CommandContext): Promise<ReservedExecuted<typeof deviceMachine, DeviceHold>> {
    return this.options.runtime.reserve(this.devices, session.mac, { link: session.link, tenantId, assignment }, context);
  }

  private linkContext(mac: string, link: ControlConnection): CommandContext {
    // The connection id correlates everything one connection caused.
    return { principal: devicePrincipal(mac), ip: link.ip, correlationId: link.connectionId };
  }
}
