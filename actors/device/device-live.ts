// The devices' live control connections on this node as the devices' events make them
// (device-sessions.ts holds them). Reserve takes what a hello needs before its connection is
// decided: the proof of its password, the tenant password to deploy with it and, for a MAC
// never seen before, one of its address's registrations, given back if nothing is stored. For
// an assignment it makes the device's new password: the hash is decided with the assignment and
// its delivery, and apply sends the password once both are stored.
// Apply sets a session once its connection is stored, ends one once its end is (so what the
// connection carried ends after its cause), and updates what a session is announced as when
// an assignment or an admin's categories change, whatever on this node issued the command
// (what other nodes store reaches the sessions through the log: device-session-follower.ts).
import type { CommandContext } from '../../domain/command-context.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import { isRegistered, sameList } from '../../domain/device/decide.js';
import type { DeviceState } from '../../domain/device/decide.js';
import type { DisconnectCause } from '../../domain/device/events.js';
import type { DeviceInventory } from '../../domain/device/inventory.js';
import type { Mac } from '../../domain/device/mac.js';
import type { deviceMachine } from '../../domain/device/machine.js';
import { TetherError } from '../../domain/errors.js';
import type { Hello } from '../../domain/gateway/agent-messages.js';
import type { ClosingCause } from '../../domain/gateway/hub-messages.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import type { GatewayAdmission } from '../gateway/gateway-admission.js';
import type { Applied, LiveModule, Reserved } from '../runtime/live-module.js';
import type { Assignment, DeviceCredentials, TenantPassword } from './device-credentials.js';
import { newDevicePassword } from './device-password.js';
import type { DeviceSessions, Session } from './device-sessions.js';
import type { DeviceSupervisorLogger } from './device-supervisor-options.js';

/** What the supervisor asks reserve for: a hello said on a connection. */
export interface HelloToRecord {
  readonly link: ControlConnection;
  readonly hello: Hello;
  /** The connection's: what the hello records is recorded under it, its address's registration too. */
  readonly context: CommandContext;
}

/** What the supervisor asks reserve for: an assignment of the device whose connection is `link`, the new password going out on it. */
export interface AssignmentToRecord {
  readonly link: ControlConnection;
  readonly tenantId: string;
  readonly assignment: Assignment;
}

export type DeviceRequest = HelloToRecord | AssignmentToRecord;

/** A new device password in clear, from before its assignment is decided until it goes out; never stored. */
export interface HeldPassword {
  readonly link: ControlConnection;
  readonly password: string;
}

/** What a hello holds from before its connection is decided until it is stored, or refused. */
export interface HeldHello {
  readonly mac: Mac;
  readonly link: ControlConnection;
  readonly inventory: DeviceInventory;
  /** The tenant password looked up to deploy with the connection, if the hello proved a tenant. */
  readonly tenantPassword: TenantPassword | undefined;
  /** The hello itself counted one of its address's registrations, for a MAC never seen before: its own to give back. */
  readonly registers: boolean;
  readonly context: CommandContext;
}

export type DeviceHold = HeldHello | HeldPassword;

export const isHeldHello = (held: DeviceHold): held is HeldHello => 'inventory' in held;

export interface DeviceLiveOptions {
  /** Recorded with each connection, so this node can close its own after a crash. */
  readonly nodeId: string;
  readonly admission: Pick<GatewayAdmission, 'register' | 'releaseRegistration'>;
  readonly credentials: DeviceCredentials;
  readonly logger: Pick<DeviceSupervisorLogger, 'warn'>;
}

/** How a connection whose end is stored is closed, if it is still open: the device is told why. */
const closingOf: Partial<Record<DisconnectCause, ClosingCause>> = { superseded: 'superseded', 'hub-shutdown': 'hub-shutdown' };

export class DeviceLive implements LiveModule<typeof deviceMachine, DeviceCommand, DeviceRequest, DeviceHold> {
  constructor(
    private readonly sessions: DeviceSessions,
    private readonly options: DeviceLiveOptions,
  ) {}

  /** A hello's connection (reserveHello), or an assignment with a new password made for it and held in clear until it goes out. */
  async reserve(request: DeviceRequest, state: DeviceState): Promise<Reserved<DeviceCommand, DeviceHold>> {
    if ('hello' in request) return this.reserveHello(request, state);
    const { link, tenantId, assignment } = request;
    const { password, passwordHash } = newDevicePassword();
    return { command: { type: 'AssignDevice', tenantId, passwordHash, ...assignment, deliverTo: link.connectionId }, held: { link, password } };
  }

  async release(held: DeviceHold): Promise<void> {
    if (isHeldHello(held) && held.registers) await this.giveBackRegistration(held.link.ip, held.mac, held.context);
  }

  apply({ id, events, after, held }: Applied<typeof deviceMachine, DeviceHold>): void {
    for (const event of events) {
      if (event.type === 'DeviceDisconnected') this.end(id, event.data.connectionId, closingOf[event.data.cause]);
      else if (event.type === 'DeviceConnectionRefused') held?.link.close('already-connected');
      else if (event.type === 'DeviceConnected' && held !== undefined && isHeldHello(held) && held.link.connectionId === event.data.connectionId) this.start(held, after);
      else if (event.type === 'DevicePasswordDelivered' && held !== undefined && !isHeldHello(held)) held.link.send({ type: 'device-password', password: held.password });
    }
    const session = this.sessions.get(id);
    if (session !== undefined) this.refresh(session, after);
  }

  /** The hello on this session was answered: from now on the device is announced. */
  welcomed(session: Session): void {
    session.welcomed = true;
    this.sessions.announce(session);
  }

  /**
   * The connection ended: its end is stored, or could not be (the socket is gone all the same).
   * Its session goes, the device is told why if `closing`, and what it carried ends.
   */
  end(mac: string, connectionId: string, closing?: ClosingCause): void {
    const session = this.sessions.get(mac);
    if (session?.link.connectionId !== connectionId) return;
    this.sessions.delete(session.mac);
    if (closing !== undefined) session.link.close(closing);
    this.sessions.ended(session.mac, session.link);
  }

  /** What the device's state says of the session: the tenant it proved, the admin's categories; announced only if either changed. */
  refresh(session: Session, state: DeviceState): void {
    const { connectionId, authenticated, tenantId, adminCategories } = state.context;
    const shownIn = connectionId === session.link.connectionId && authenticated ? tenantId : undefined;
    if (shownIn === session.tenantId && sameList(adminCategories, session.adminCategories)) return;
    session.tenantId = shownIn;
    session.adminCategories = adminCategories;
    this.sessions.announce(session);
  }

  /** A MAC never seen before is stored for good: refused (rate_limited), nothing appended, past its address's share. */
  private async reserveHello({ link, hello, context }: HelloToRecord, state: DeviceState): Promise<Reserved<DeviceCommand, HeldHello>> {
    const { admission, credentials, nodeId } = this.options;
    const count = isRegistered(state) ? undefined : await admission.register(link.ip, hello.mac, context);
    if (count === 'refused') throw new TetherError('rate_limited', 'too many new devices from this address; try again later');
    // Only a count this hello appended is its own to give back: another hello of the MAC may hold one already.
    const registers = count === 'counted';
    try {
      const assignedTo = hello.password === undefined ? undefined : await credentials.tenantProvenBy(state, hello.password);
      // Looked up before the connection is decided, so that its deployment is recorded with it.
      const tenantPassword = await credentials.tenantPasswordOf(hello.mac, assignedTo);
      const inventory = { model: hello.model, firmware: hello.firmware, apps: hello.apps, software: hello.software ?? [], categories: hello.categories };
      const command: DeviceCommand = {
        type: 'RecordConnection',
        mac: hello.mac,
        connectionId: link.connectionId,
        ip: link.ip,
        inventory,
        passwordValid: assignedTo !== undefined,
        nodeId,
        ...(tenantPassword?.password === undefined ? {} : { tenantPasswordFor: tenantPassword.tenantId }),
      };
      return { command, held: { mac: hello.mac, link, inventory, tenantPassword, registers, context } };
    } catch (error) {
      if (registers) await this.giveBackRegistration(link.ip, hello.mac, context);
      throw error;
    }
  }

  /** A registration that cannot be given back counts until its window ends: the failure that led here stays the one reported. */
  private async giveBackRegistration(ip: string, mac: string, context: CommandContext): Promise<void> {
    await this.options.admission
      .releaseRegistration(ip, mac, context)
      .catch((error: unknown) => this.options.logger.warn({ err: error, mac }, 'could not give a device registration back; it counts until its window ends'));
  }

  private start({ mac, link, inventory }: HeldHello, state: DeviceState): void {
    // A session the log ended without this node hearing of it yet gives way all the same.
    const previous = this.sessions.get(mac);
    if (previous !== undefined) this.end(mac, previous.link.connectionId, 'superseded');
    const { authenticated, tenantId, adminCategories } = state.context;
    this.sessions.set({ mac, link, tenantId: authenticated ? tenantId : undefined, inventory, adminCategories, welcomed: false });
  }
}
