// Protocol applications live: the templates (pure commands), their assignment to devices, and
// the connections users open on a device (connect ... disconnect), which this node holds in a
// registry keyed by application and device. A connection ends by exactly one cause: disconnect
// or deletion (deleted), its device going offline, the hub shutting down. An application is
// deleted or unassigned through any hub node: every node follows its events (follow) and ends
// the connections it holds that the stored state no longer allows.
import { randomUUID } from 'node:crypto';
import { formatMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { AgentReverseMessage } from '../../domain/gateway/reverse-messages.js';
import { protocolAppAggregate } from '../../domain/protocol-app/aggregate.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import { isAssignedTo, templateOf } from '../../domain/protocol-app/decide.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { AppConnection, AppConnectionEnv, ConnectionEnv } from './app-connection.js';
import { AppSessionsLive } from './app-sessions-live.js';
import type { CommandContext } from '../../domain/command-context.js';
import { isPortTemplate, PortAppConnection } from './port-app-connection.js';
import { ReverseAppConnection } from './reverse-app-connection.js';

export interface ProtocolAppSupervisorOptions {
  readonly runtime: ActorRuntime;
  readonly env: AppConnectionEnv;
}

export interface ConnectedApp {
  readonly appId: string;
  readonly device: Mac;
  readonly type: AppTemplate['type'];
  readonly sessions: readonly string[];
  readonly port?: number;
  readonly position?: number;
}

const keyOf = (appId: string, device: Mac): string => `${appId} ${device}`;

export class ProtocolAppSupervisor {
  private readonly connections = new Map<string, AppConnection>();
  /** Connections being opened: a second connect of the same pair is refused at once, and the agent's messages reach them. */
  private readonly opening = new Map<string, AppConnection | undefined>();
  private stopping = false;
  private readonly env: ConnectionEnv;

  constructor(private readonly options: ProtocolAppSupervisorOptions) {
    const { pool, ...env } = options.env;
    this.env = { ...env, sessions: new AppSessionsLive({ runtime: options.runtime, pool, clock: env.clock, logger: env.logger }) };
  }

  async create(template: AppTemplate, context: CommandContext): Promise<{ readonly appId: string; readonly position?: number }> {
    const appId = randomUUID();
    const { position } = await this.options.runtime.execute(protocolAppAggregate, appId, { type: 'CreateProtocolApp', appId, template }, context);
    return position === undefined ? { appId } : { appId, position };
  }

  /** An edit; connections already open keep what they were opened with. */
  async update(appId: string, template: AppTemplate, context: CommandContext): Promise<{ readonly position?: number }> {
    const { position } = await this.options.runtime.execute(protocolAppAggregate, appId, { type: 'UpdateProtocolApp', template }, context);
    return position === undefined ? {} : { position };
  }

  /** Deletes the template and its assignments; its live connections end (deleted). */
  async delete(appId: string, context: CommandContext): Promise<{ readonly position?: number }> {
    const { position } = await this.options.runtime.execute(protocolAppAggregate, appId, { type: 'DeleteProtocolApp' }, context);
    const ended = await Promise.all([...this.connections.values()].filter((c) => c.appId === appId).map((c) => this.end(c, 'deleted', context)));
    return { ...(position === undefined ? {} : { position }), ...this.lastOf(ended) };
  }

  async assign(appId: string, device: Mac, tenantId: string, context: CommandContext): Promise<{ readonly position?: number }> {
    const { position } = await this.options.runtime.execute(protocolAppAggregate, appId, { type: 'AssignProtocolApp', device, tenantId }, context);
    return position === undefined ? {} : { position };
  }

  /** Removes the application from the device; a live connection of it there ends (deleted). */
  async unassign(appId: string, device: Mac, context: CommandContext): Promise<{ readonly position?: number }> {
    const { position } = await this.options.runtime.execute(protocolAppAggregate, appId, { type: 'UnassignProtocolApp', device }, context);
    const connection = this.connections.get(keyOf(appId, device));
    const ended = connection === undefined ? {} : await this.end(connection, 'deleted', context);
    return { ...(position === undefined ? {} : { position }), ...ended };
  }

  /** Connects an application assigned to the device; the device must be connected here and have proved `tenantId`. */
  async connect(appId: string, device: Mac, tenantId: string, context: CommandContext): Promise<ConnectedApp> {
    if (this.stopping) throw new TetherError('unavailable', 'the hub is shutting down');
    const { state } = await this.options.runtime.load(protocolAppAggregate, appId);
    const template = templateOf(state);
    if (template === undefined) throw new TetherError('not_found', `protocol application ${appId} not found`, ['params.id']);
    if (!isAssignedTo(state, device)) {
      throw new TetherError('not_found', `protocol application ${appId} is not assigned to device ${formatMac(device)}`, ['params.id']);
    }
    const key = keyOf(appId, device);
    if (this.connections.has(key) || this.opening.has(key)) {
      throw new TetherError('already_exists', `protocol application ${appId} is already connected on device ${formatMac(device)}`);
    }
    this.opening.set(key, undefined);
    let connection: AppConnection;
    try {
      const request = { appId, device, tenantId, context };
      this.options.env.dialer.control(device, tenantId);
      if (isPortTemplate(template)) {
        connection = await PortAppConnection.open({ ...request, template }, this.env);
      } else {
        const reverse = new ReverseAppConnection({ ...request, template }, this.env);
        this.opening.set(key, reverse);
        await reverse.open();
        connection = reverse;
      }
    } finally {
      this.opening.delete(key);
    }
    this.connections.set(key, connection);
    connection.onEnded(() => {
      if (this.connections.get(key) === connection) this.connections.delete(key);
    });
    // A delete or unassign stored through another node while this one was opening found nothing to end: checked once more now.
    await this.follow(appId);
    if (this.connections.get(key) !== connection) throw new TetherError('not_found', `protocol application ${appId} was removed while connecting`, ['params.id']);
    this.options.env.logger.info({ appId, device, type: template.type, port: connection.port }, 'protocol application connected');
    return {
      appId,
      device,
      type: template.type,
      sessions: connection.sessionIds,
      ...(connection.port === undefined ? {} : { port: connection.port }),
      ...(connection.position === undefined ? {} : { position: connection.position }),
    };
  }

  async disconnect(appId: string, device: Mac, context: CommandContext): Promise<{ readonly position?: number }> {
    const connection = this.connections.get(keyOf(appId, device));
    if (connection === undefined) {
      throw new TetherError('not_found', `protocol application ${appId} is not connected on device ${formatMac(device)} (on this hub)`, ['params.id']);
    }
    return this.end(connection, 'deleted', context);
  }

  /** The live connection of an application on a device, if this node holds one. */
  connectionOf(appId: string, device: Mac): ConnectedApp | undefined {
    const connection = this.connections.get(keyOf(appId, device));
    if (connection === undefined) return undefined;
    return { appId, device, type: connection.type, sessions: connection.sessionIds, ...(connection.port === undefined ? {} : { port: connection.port }) };
  }

  /**
   * Ends (deleted) this node's connections of an application that its stored state no longer
   * allows: deleted, or unassigned from their device, through whichever node. Ending one
   * already ended changes nothing, so an event heard twice does no harm.
   */
  async follow(appId: string): Promise<void> {
    if (![...this.connections.values()].some((connection) => connection.appId === appId)) return;
    const { state } = await this.options.runtime.load(protocolAppAggregate, appId);
    const gone = [...this.connections.values()].filter((connection) => connection.appId === appId && !isAssignedTo(state, connection.device));
    await Promise.all(gone.map((connection) => this.end(connection, 'deleted')));
  }

  /** A reverse-connection message of a device's agent; `service-endpoint` is the endpoints registry's. */
  reverseMessage(mac: Mac, message: AgentReverseMessage): void {
    if (message.type === 'service-endpoint') return;
    for (const connection of [...this.connections.values(), ...this.opening.values()]) if (connection?.device === mac) connection.reverseMessage(message);
  }

  /** The device's control connection ended: its connections end (device-offline). */
  connectionEnded(mac: Mac): void {
    for (const connection of this.connections.values()) if (connection.device === mac) void this.end(connection, 'device-offline');
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.connections.values()].map((connection) => this.end(connection, 'hub-shutdown')));
    this.env.sessions.stop();
  }

  private async end(connection: AppConnection, cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }> {
    try {
      return await connection.close(cause, context);
    } catch (error) {
      this.options.env.logger.error({ err: error, appId: connection.appId, device: connection.device, cause }, 'could not record the end of a connection');
      return {};
    }
  }

  private lastOf(ended: readonly { readonly position?: number }[]): { readonly position?: number } {
    const positions = ended.map((end) => end.position).filter((position): position is number => position !== undefined);
    return positions.length === 0 ? {} : { position: Math.max(...positions) };
  }
}
