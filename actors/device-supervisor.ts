// Owns the devices' live control connections on this hub node, in a registry keyed by MAC
// (sockets never enter machine context). Everything a connection does is appended first and
// sent after: the connection, a provisioning code's redemption, the device password, the
// tenant password. A connection that ends, by any cause, is closed by an event.
import { deviceAggregate } from '../domain/device/aggregate.js';
import type { DeviceCommand } from '../domain/device/commands.js';
import { isAssigned, isRegistered } from '../domain/device/decide.js';
import type { DeviceDetailsChange } from '../domain/device/details.js';
import type { DisconnectCause } from '../domain/device/events.js';
import type { Mac } from '../domain/device/mac.js';
import type { deviceMachine } from '../domain/device/machine.js';
import { isTetherError, TetherError } from '../domain/errors.js';
import type { DeviceInventory } from '../domain/device/inventory.js';
import type { Hello } from '../domain/gateway/agent-messages.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { devicePrincipal, systemPrincipal } from '../domain/principal.js';
import { provisioningAggregate } from '../domain/provisioning/aggregate.js';
import { ProvisioningRefusalReason } from '../domain/provisioning/refusal-reason.js';
import type { ActorRuntime } from './actor-runtime.js';
import type { Executed } from './runtime-results.js';
import type { CommandContext } from './command-context.js';
import { whyNotAssignableHere } from './device-assignability.js';
import { followDeviceEvents } from './device-event-follower.js';
import type { DeviceEventFollower } from './device-event-follower.js';
import type { DeviceLink } from './device-link.js';
import { newDevicePassword, verifyDevicePassword } from './device-password.js';
import { disconnectStaleConnections } from './device-stale-connections.js';
import { provenLink } from './proven-link.js';
import type { StaleConnections } from './device-stale-connections.js';
import { tenantPasswordToDeploy } from './device-tenant-password.js';
import { DeviceWorkQueue } from './device-work-queue.js';
import type { GatewayAdmission } from './gateway-admission.js';
import type { SecretSeal } from './secret-seal.js';

export interface DeviceSupervisorLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface DeviceSupervisorOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly seal: SecretSeal;
  /** Recorded with each connection, so this node can close its own after a crash. */
  readonly nodeId: string;
  /** The codeId of a provisioning code as typed (see domain/provisioning/code-id.ts). */
  readonly provisioningCodeId: (code: string) => string;
  /** Whether an address may register one more MAC never seen before. */
  readonly admission: Pick<GatewayAdmission, 'register'>;
  readonly logger: DeviceSupervisorLogger;
}

export type DeviceExecuted = Executed<typeof deviceMachine>;

interface Session {
  readonly mac: Mac;
  readonly link: DeviceLink;
  /** The tenant whose device proved it is on this connection; undefined: it shows as unassigned. */
  tenantId: string | undefined;
  /** What the device said of itself in its hello on this connection. */
  readonly inventory: DeviceInventory;
  /** The categories an admin set, as the device's events say (whichever node appended them). */
  adminCategories: readonly string[];
}

/** A device live on this node, as update and backup jobs need it. */
export interface LiveDevice {
  readonly connectionId: string;
  readonly tenantId: string | undefined;
  readonly inventory: DeviceInventory;
  readonly adminCategories: readonly string[];
}

type Assignment = { readonly via: 'admin' } | { readonly via: 'provisioning-code'; readonly codeId: string };


function refusalOf(error: unknown): ProvisioningRefusalReason | undefined {
  return isTetherError(error, 'provisioning_refused') ? error.details.find((detail) => ProvisioningRefusalReason.is(detail)) : undefined;
}

export class DeviceSupervisor {
  private readonly sessions = new Map<string, Session>();
  private readonly queue = new DeviceWorkQueue();
  private following: DeviceEventFollower | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private readonly endListeners: ((mac: Mac, connectionId: string) => void)[] = [];
  private readonly liveListeners: ((mac: Mac, device: LiveDevice) => void)[] = [];

  constructor(private readonly options: DeviceSupervisorOptions) {}

  /** Devices connected to this node right now. */
  get onlineCount(): number {
    return this.sessions.size;
  }

  /**
   * Follows device and tenant events, then closes by an event the connections a previous run
   * of this node left recorded online. Call before accepting connections; returns how many.
   */
  async start(found?: StaleConnections): Promise<number> {
    this.following ??= this.follow();
    const { runtime, store, nodeId } = this.options;
    const stale = await disconnectStaleConnections(runtime, store, nodeId, found);
    if (stale > 0) this.options.logger.info({ devices: stale, nodeId }, 'recorded the connections a previous run left open as ended');
    return stale;
  }

  /** The live control connection of a device on this node, and the tenant it proved it belongs to. */
  connectionOf(mac: Mac): { readonly link: DeviceLink; readonly tenantId: string | undefined } | undefined {
    const session = this.sessions.get(mac);
    return session === undefined ? undefined : { link: session.link, tenantId: session.tenantId };
  }

  /** Called whenever a device's live connection on this node ends, by any cause. */
  onConnectionEnded(listener: (mac: Mac, connectionId: string) => void): void {
    this.endListeners.push(listener);
  }

  /** Called when a device on this node has said hello and been answered, and when its tenant or admin-set categories change while connected. */
  onDeviceLive(listener: (mac: Mac, device: LiveDevice) => void): void {
    this.liveListeners.push(listener);
  }

  private announce(session: Session): void {
    if (this.sessions.get(session.mac) !== session) return;
    const { tenantId, inventory, adminCategories } = session;
    const device: LiveDevice = { connectionId: session.link.connectionId, tenantId, inventory, adminCategories };
    for (const listener of this.liveListeners) listener(session.mac, device);
  }

  private ended(mac: Mac, link: DeviceLink): void {
    for (const listener of this.endListeners) listener(mac, link.connectionId);
  }

  /** A hello on a link: records the connection and answers it. */
  hello(link: DeviceLink, hello: Hello): Promise<void> {
    return this.queue.run(hello.mac, async () => {
      if (this.stopping) {
        link.close('hub-shutdown');
        return;
      }
      if (link.open) await this.connect(link, hello);
    });
  }

  /** The link said hello for `mac` and has now closed. */
  disconnected(mac: Mac, link: DeviceLink, cause: DisconnectCause): Promise<void> {
    return this.queue.run(mac, async () => {
      // Not the live connection here: it was refused, superseded or shut down, all already recorded.
      if (this.sessions.get(mac)?.link !== link) return;
      this.sessions.delete(mac);
      const command: DeviceCommand = { type: 'RecordDisconnection', connectionId: link.connectionId, cause };
      // The cause is recorded before its effects (the links it ends), and the links end even if it could not be.
      try {
        await this.options.runtime.execute(deviceAggregate, mac, command, this.linkContext(mac, link));
      } finally {
        this.ended(mac, link);
      }
    });
  }

  /** Assigns (or moves) a device connected to this node, delivering its new password at once. */
  assign(mac: Mac, tenantId: string, context: CommandContext): Promise<DeviceExecuted> {
    return this.queue.run(mac, async () => {
      const session = this.sessions.get(mac);
      if (session === undefined || !session.link.open) throw await whyNotAssignableHere(this.options.runtime, mac);
      // Moving an assigned device hands its new password to the connection: it must be the device's own.
      if (isAssigned((await this.options.runtime.load(deviceAggregate, mac)).state)) provenLink(this, mac);
      const delivered = await this.assignLive(session, tenantId, { via: 'admin' }, context);
      await this.deployTenantPassword(session, context);
      return delivered;
    });
  }

  unassign(mac: Mac, context: CommandContext): Promise<DeviceExecuted> {
    return this.queue.run(mac, async () => {
      const executed = await this.options.runtime.execute(deviceAggregate, mac, { type: 'UnassignDevice' }, context);
      const session = this.sessions.get(mac);
      if (session !== undefined) {
        session.tenantId = undefined;
        this.announce(session);
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
        this.announce(session);
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
      const sessions = [...this.sessions.values()];
      this.sessions.clear();
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
    this.ended(mac, link);
    link.close('hub-shutdown');
  }

  private async connect(link: DeviceLink, hello: Hello): Promise<void> {
    const { runtime, nodeId } = this.options;
    const { mac } = hello;
    if (!(await this.mayRegister(mac, link))) return;
    const context = this.linkContext(mac, link);
    const assignedTo = hello.password === undefined ? undefined : await this.tenantProvenBy(mac, hello.password);
    // Looked up before the connection is recorded, so that its deployment is recorded with it.
    const tenantPassword = await this.tenantPasswordOf(mac, assignedTo);
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
      this.ended(mac, previous.link);
    }
    const { authenticated, tenantId, adminCategories } = connected.state.context;
    const session: Session = { mac, link, tenantId: authenticated ? tenantId : undefined, inventory, adminCategories };
    this.sessions.set(mac, session);

    if (session.tenantId === undefined && hello.code !== undefined) await this.redeem(session, hello.code, context);
    link.send(session.tenantId === undefined ? { type: 'welcome', state: 'unassigned' } : { type: 'welcome', state: 'assigned', tenant: session.tenantId });
    const deployed = connected.events.some((event) => event.type === 'TenantPasswordDeployed');
    if (deployed && tenantPassword?.password !== undefined) link.send({ type: 'tenant-password', password: tenantPassword.password });
    // Not looked up for the tenant the device is in now (a code was redeemed, or it moved meanwhile).
    else if (session.tenantId !== tenantPassword?.tenantId) await this.deployTenantPassword(session, context);
    this.announce(session);
  }

  /** A MAC never seen before is stored for good: refused, nothing appended, past its address's share. */
  private async mayRegister(mac: Mac, link: DeviceLink): Promise<boolean> {
    const { state } = await this.options.runtime.load(deviceAggregate, mac);
    if (isRegistered(state) || this.options.admission.register(link.ip)) return true;
    const refusal = new TetherError('rate_limited', 'too many new devices from this address; try again later');
    link.send({ type: 'error', code: refusal.code, message: refusal.message });
    link.close('rate-limited');
    return false;
  }

  /** The tenant the device is assigned to, if `password` is its device password. */
  private async tenantProvenBy(mac: Mac, password: string): Promise<string | undefined> {
    const { state } = await this.options.runtime.load(deviceAggregate, mac);
    const { passwordHash, tenantId } = state.context;
    if (!isAssigned(state) || passwordHash === undefined || tenantId === undefined) return undefined;
    return (await verifyDevicePassword(password, passwordHash)) ? tenantId : undefined;
  }

  /** The device's tenant and, if it deploys one, its password; a failure is logged and deploys nothing. */
  private async tenantPasswordOf(mac: Mac, tenantId: string | undefined): Promise<{ readonly tenantId: string; readonly password?: string } | undefined> {
    if (tenantId === undefined) return undefined;
    try {
      const toDeploy = await tenantPasswordToDeploy(this.options.runtime, this.options.seal, tenantId);
      return toDeploy.deploy ? { tenantId, password: toDeploy.password } : { tenantId };
    } catch (error) {
      this.options.logger.warn({ err: error, mac, tenant: tenantId }, 'the tenant password was not deployed');
      return { tenantId };
    }
  }

  private async redeem(session: Session, code: string, context: CommandContext): Promise<void> {
    const { runtime, provisioningCodeId } = this.options;
    const { mac, link } = session;
    const codeId = provisioningCodeId(code);
    let tenantId: string;
    try {
      const redeemed = await runtime.execute(provisioningAggregate, codeId, { type: 'RedeemProvisioningCode', mac }, context);
      tenantId = redeemed.state.context.tenantId;
    } catch (error) {
      const reason = refusalOf(error);
      if (reason === undefined) throw error;
      await runtime.execute(deviceAggregate, mac, { type: 'RecordProvisioningRefused', ip: link.ip, reason }, context);
      link.send({ type: 'provisioning-refused', reason });
      return;
    }
    await this.assignLive(session, tenantId, { via: 'provisioning-code', codeId }, context);
  }

  /** A new random password: its hash is appended with the assignment, then it goes out once. */
  private async assignLive(session: Session, tenantId: string, assignment: Assignment, context: CommandContext): Promise<DeviceExecuted> {
    const { runtime } = this.options;
    const { mac, link } = session;
    const { password, passwordHash } = newDevicePassword();
    await runtime.execute(deviceAggregate, mac, { type: 'AssignDevice', tenantId, passwordHash, ...assignment }, context);
    const delivered = await runtime.execute(deviceAggregate, mac, { type: 'RecordPasswordDelivered', connectionId: link.connectionId }, context);
    session.tenantId = tenantId;
    link.send({ type: 'device-password', password });
    this.announce(session);
    return delivered;
  }

  /** Sends the tenant password if the tenant deploys it; a failure is logged, never thrown. */
  private async deployTenantPassword(session: Session, context: CommandContext): Promise<void> {
    const { mac, link, tenantId } = session;
    if (tenantId === undefined || this.sessions.get(mac) !== session || !link.open) return;
    const { runtime, seal, logger } = this.options;
    try {
      const toDeploy = await tenantPasswordToDeploy(runtime, seal, tenantId);
      if (!toDeploy.deploy) return;
      const command: DeviceCommand = { type: 'RecordTenantPasswordDeployed', connectionId: link.connectionId, tenantId };
      await runtime.execute(deviceAggregate, mac, command, context);
      link.send({ type: 'tenant-password', password: toDeploy.password });
    } catch (error) {
      logger.warn({ err: error, mac, tenant: tenantId }, 'the tenant password was not deployed');
    }
  }

  private linkContext(mac: string, link: DeviceLink): CommandContext {
    // The connection id correlates everything one connection caused.
    return { principal: devicePrincipal(mac), ip: link.ip, correlationId: link.connectionId };
  }

  private follow(): DeviceEventFollower {
    const { store, logger } = this.options;
    const onSession = (mac: string, work: (session: Session) => Promise<void>): void => {
      const session = this.sessions.get(mac);
      if (session === undefined) return;
      this.queue
        .run(session.mac, async () => {
          // Still the live connection here once its turn comes?
          if (this.sessions.get(session.mac) === session) await work(session);
        })
        .catch((error: unknown) => logger.error({ err: error, mac }, 'could not follow a device event'));
    };
    return followDeviceEvents(
      store,
      {
        // Ended by someone else while this node holds it: another node took the device over.
        connectionEnded: (mac, connectionId) =>
          onSession(mac, async (session) => {
            if (session.link.connectionId !== connectionId) return;
            this.sessions.delete(session.mac);
            session.link.close('superseded');
            this.ended(session.mac, session.link);
          }),
        // The store says which tenant, if any, the connection is in now.
        assignmentChanged: (mac) =>
          onSession(mac, async (session) => {
            const { state } = await this.options.runtime.load(deviceAggregate, session.mac);
            const { connectionId, authenticated, tenantId } = state.context;
            session.tenantId = connectionId === session.link.connectionId && authenticated ? tenantId : undefined;
            this.announce(session);
          }),
        detailsChanged: (mac) =>
          onSession(mac, async (session) => {
            session.adminCategories = (await this.options.runtime.load(deviceAggregate, session.mac)).state.context.adminCategories;
            this.announce(session);
          }),
        tenantPasswordToDeploy: (tenantId, cause) => {
          const context: CommandContext = { principal: systemPrincipal, correlationId: cause.metadata.correlationId };
          for (const session of this.sessions.values()) {
            if (session.tenantId === tenantId) onSession(session.mac, () => this.deployTenantPassword(session, context));
          }
        },
      },
      (error) => logger.error({ err: error }, 'the device supervisor stopped following device and tenant events'),
    );
  }
}
