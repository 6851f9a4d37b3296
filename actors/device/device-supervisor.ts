// Owns the devices' live control connections on this hub node (device-sessions.ts).
// Everything a connection does is appended first and sent after: the connection, a
// provisioning code's redemption, the device password, the tenant password
// (device-credentials.ts). A connection that ends, by any cause, is closed by an event, stored
// before the effects it causes (the links it carried end after it).
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import { isAssigned, isRegistered } from '../../domain/device/decide.js';
import type { DeviceDetailsChange } from '../../domain/device/details.js';
import type { DisconnectCause } from '../../domain/device/events.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { Hello } from '../../domain/gateway/agent-messages.js';
import { devicePrincipal, systemPrincipal } from '../../domain/principal.js';
import type { CommandContext } from '../../domain/command-context.js';
import { DeviceCredentials } from './device-credentials.js';
import type { DeviceExecuted } from './device-credentials.js';
import { whyNotAssignableHere } from './device-assignability.js';
import type { DeviceEventFollower } from './device-event-follower.js';
import { followForSessions } from './device-session-follower.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { DeviceSessions } from './device-sessions.js';
import type { LiveDevice, Session } from './device-sessions.js';
import { disconnectStaleConnections } from './device-stale-connections.js';
import type { StaleConnections } from './device-stale-connections.js';
import type { DeviceSupervisorOptions } from './device-supervisor-options.js';
import { DeviceWorkQueue } from './device-work-queue.js';
import { provenConnection } from '../../data-plane/proven-connection.js';

export class DeviceSupervisor {
  private readonly sessions = new DeviceSessions();
  private readonly credentials: DeviceCredentials;
  private readonly queue = new DeviceWorkQueue();
  private following: DeviceEventFollower | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: DeviceSupervisorOptions) {
    this.credentials = new DeviceCredentials(options, this.sessions);
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
    this.following ??= followForSessions({ ...this.options, sessions: this.sessions, queue: this.queue, credentials: this.credentials });
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
      this.sessions.delete(mac);
      const command: DeviceCommand = { type: 'RecordDisconnection', connectionId: link.connectionId, cause };
      // The cause is recorded before its effects (the links it ends), and the links end even if it could not be.
      try {
        await this.options.runtime.execute(deviceAggregate, mac, command, this.linkContext(mac, link));
      } finally {
        this.sessions.ended(mac, link);
      }
    });
  }

  /** Assigns (or moves) a device connected to this node, delivering its new password at once. */
  assign(mac: Mac, tenantId: string, context: CommandContext): Promise<DeviceExecuted> {
    return this.queue.run(mac, async () => {
      const session = this.sessions.get(mac);
      if (session === undefined || !session.link.open) throw await whyNotAssignableHere(this.options.runtime, mac);
      // Moving an assigned device hands its new password to the connection: it must be the device's own.
      if (isAssigned((await this.options.runtime.load(deviceAggregate, mac)).state)) provenConnection(this, mac);
      const delivered = await this.credentials.assignLive(session, tenantId, { via: 'admin' }, context);
      await this.credentials.deployTenantPassword(session, context);
      return delivered;
    });
  }

  unassign(mac: Mac, context: CommandContext): Promise<DeviceExecuted> {
    return this.queue.run(mac, async () => {
      const executed = await this.options.runtime.execute(deviceAggregate, mac, { type: 'UnassignDevice' }, context);
      const session = this.sessions.get(mac);
      if (session !== undefined) {
        session.tenantId = undefined;
        this.sessions.announce(session);
      }
      return executed;
    });
  }

  /** Records what an admin says of a device; a device live here is selected by its new categories at once. */
  setDetails(mac: Mac, change: DeviceDetailsChange, context: CommandContext): Promise<DeviceExecuted> {
    return this.queue.run(mac, async () => {
      const executed = await this.options.runtime.execute(deviceAggregate, mac, { type: 'SetDeviceDetails', ...change }, context);
      const session = this.sessions.get(mac);
      if (session !== undefined && executed.events.length > 0) {
        session.adminCategories = executed.state.context.adminCategories;
        this.sessions.announce(session);
      }
      return executed;
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
      const sessions = this.sessions.takeAll();
      await Promise.all(sessions.map((session) => this.shutDown(session)));
    })();
    return this.stopped;
  }

  private async shutDown({ mac, link }: Session): Promise<void> {
    const command: DeviceCommand = { type: 'RecordDisconnection', connectionId: link.connectionId, cause: 'hub-shutdown' };
    try {
      await this.options.runtime.execute(deviceAggregate, mac, command, { principal: systemPrincipal });
    } catch (error) {
      this.options.logger.error({ err: error, mac }, 'could not record the end of a connection at shutdown');
    }
    this.sessions.ended(mac, link);
    link.close('hub-shutdown');
  }

  private async connect(link: ControlConnection, hello: Hello): Promise<void> {
    const { runtime, nodeId } = this.options;
    const { mac } = hello;
    if (!(await this.mayRegister(mac, link))) return;
    const context = this.linkContext(mac, link);
    const assignedTo = hello.password === undefined ? undefined : await this.credentials.tenantProvenBy(mac, hello.password);
    // Looked up before the connection is recorded, so that its deployment is recorded with it.
    const tenantPassword = await this.credentials.tenantPasswordOf(mac, assignedTo);
    const passwordValid = assignedTo !== undefined;
    const inventory = { model: hello.model, firmware: hello.firmware, apps: hello.apps, software: hello.software ?? [], categories: hello.categories };
    const command: DeviceCommand = {
      type: 'RecordConnection',
      mac,
      connectionId: link.connectionId,
      ip: link.ip,
      inventory,
      passwordValid,
      nodeId,
      ...(tenantPassword?.password === undefined ? {} : { tenantPasswordFor: tenantPassword.tenantId }),
    };
    const connected = await runtime.execute(deviceAggregate, mac, command, context);
    if (connected.state.context.connectionId !== link.connectionId) {
      // Another connection is live and this one did not prove it is the device.
      link.close('already-connected');
      return;
    }
    const previous = this.sessions.get(mac);
    if (previous !== undefined && previous.link !== link) {
      previous.link.close('superseded');
      this.sessions.ended(mac, previous.link);
    }
    const { authenticated, tenantId, adminCategories } = connected.state.context;
    const session: Session = { mac, link, tenantId: authenticated ? tenantId : undefined, inventory, adminCategories };
    this.sessions.set(session);

    if (session.tenantId === undefined && hello.code !== undefined) await this.credentials.redeem(session, hello.code, context);
    link.send(session.tenantId === undefined ? { type: 'welcome', state: 'unassigned' } : { type: 'welcome', state: 'assigned', tenant: session.tenantId });
    const deployed = connected.events.some((event) => event.type === 'TenantPasswordDeployed');
    if (deployed && tenantPassword?.password !== undefined) link.send({ type: 'tenant-password', password: tenantPassword.password });
    // Not looked up for the tenant the device is in now (a code was redeemed, or it moved meanwhile).
    else if (session.tenantId !== tenantPassword?.tenantId) await this.credentials.deployTenantPassword(session, context);
    this.sessions.announce(session);
  }

  /** A MAC never seen before is stored for good: refused, nothing appended, past its address's share. */
  private async mayRegister(mac: Mac, link: ControlConnection): Promise<boolean> {
    const { state } = await this.options.runtime.load(deviceAggregate, mac);
    if (isRegistered(state) || this.options.admission.register(link.ip)) return true;
    const refusal = new TetherError('rate_limited', 'too many new devices from this address; try again later');
    link.send({ type: 'error', code: refusal.code, message: refusal.message });
    link.close('rate-limited');
    return false;
  }

  private linkContext(mac: string, link: ControlConnection): CommandContext {
    // The connection id correlates everything one connection caused.
    return { principal: devicePrincipal(mac), ip: link.ip, correlationId: link.connectionId };
  }
}
