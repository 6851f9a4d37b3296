// The proxy profiles' commands: checked against the hub's configuration and the other
// profiles, then run through the runtime, whose proxy live module (proxy-live.ts) binds the
// source port first and applies the change once stored. The enabled switch and edits apply at
// once, without a restart; removal closes the port and ends the live sessions with cause `deleted`.
// Every hub node follows the profiles' events (follow), so a change made through any node opens
// or closes the port on all of them.
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isAssigned, isRegistered } from '../../domain/device/decide.js';
import { formatMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { proxyAggregate } from '../../domain/proxy/aggregate.js';
import { settingsOf } from '../../domain/proxy/decide.js';
import type { ProxyCommand } from '../../domain/proxy/commands.js';
import type { proxyMachine } from '../../domain/proxy/machine.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { isDeviceTarget, transportOf } from '../../domain/proxy/proxy-settings.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { LiveAggregate } from '../runtime/live-module.js';
import type { ProxyHostEnv } from './proxy-host.js';
import { ProxyLive } from './proxy-live.js';
import type { HeldPort, ProxyChange } from './proxy-live.js';
import type { PortRange } from '../../data-plane/port-pool.js';

export interface ProxySupervisorOptions {
  readonly runtime: ActorRuntime;
  readonly env: ProxyHostEnv;
  /** Where source ports bind. */
  readonly bindAddress: string;
  /** The DeviceLink port range: no source port may lie in it. */
  readonly reservedPorts: PortRange;
}

export class ProxySupervisor {
  private readonly live: ProxyLive;
  private readonly proxies: LiveAggregate<typeof proxyMachine, ProxyCommand, ProxyChange, HeldPort>;
  private stopping = false;

  constructor(private readonly options: ProxySupervisorOptions) {
    this.live = new ProxyLive(options.env, options.bindAddress);
    this.proxies = options.runtime.register(proxyAggregate, this.live);
  }

  /**
   * Brings this node's port for a profile in line with its stored state: at start-up for every
   * profile (`position` undefined), then for each event of it heard from the log, whichever
   * node appended it (`position`: that event's). A port that cannot be bound is logged, not fatal.
   */
  async follow(proxyId: string, position?: number): Promise<void> {
    if (this.stopping) return;
    const { state } = await this.options.runtime.load(proxyAggregate, proxyId);
    await this.live.reconcile(proxyId, settingsOf(state), position);
  }

  /** Creates a profile; when enabled, its port is open once this resolves. */
  async create(proxyId: string, settings: ProxySettings, context: CommandContext): Promise<{ readonly position?: number }> {
    this.mustRun();
    const { state } = await this.options.runtime.load(proxyAggregate, proxyId);
    if (state.matches('active')) throw new TetherError('already_exists', `proxy ${proxyId} already exists`, ['body.id']);
    await this.check(proxyId, settings);
    const position = await this.change(proxyId, { command: { type: 'CreateProxy', proxyId, settings }, settings }, context);
    this.options.env.logger.info({ proxyId, protocol: settings.protocol, sourcePort: settings.sourcePort, enabled: settings.enabled }, 'proxy created');
    return position;
  }

  /** An edit, applied at once: a new port opens before the old one closes; live sessions go on. */
  async update(proxyId: string, settings: ProxySettings, context: CommandContext): Promise<{ readonly position?: number }> {
    this.mustRun();
    await this.mustExist(proxyId);
    await this.check(proxyId, settings);
    return this.change(proxyId, { command: { type: 'UpdateProxy', proxyId, settings }, settings }, context);
  }

  /** The enabled switch: opens the source port, or closes it (live sessions go on; the profile stays). */
  async setEnabled(proxyId: string, enabled: boolean, context: CommandContext): Promise<{ readonly position?: number }> {
    this.mustRun();
    const settings = await this.mustExist(proxyId);
    return this.change(proxyId, { command: { type: 'SetProxyEnabled', enabled }, settings: { ...settings, enabled } }, context);
  }

  /** Removes every profile named, or none when one of them does not exist; their ports close and live sessions end (deleted). */
  async remove(proxyIds: readonly string[], context: CommandContext): Promise<{ readonly position?: number }> {
    this.mustRun();
    const ids = [...new Set(proxyIds)];
    const missing: string[] = [];
    for (const proxyId of ids) {
      const { state } = await this.options.runtime.load(proxyAggregate, proxyId);
      if (!state.matches('active')) missing.push(proxyId);
    }
    if (missing.length > 0) throw new TetherError('not_found', `no such proxy: ${missing.join(', ')}`, missing);
    let position: number | undefined;
    for (const proxyId of ids) {
      const executed = await this.options.runtime.execute(proxyAggregate, proxyId, { type: 'RemoveProxy' }, context);
      position = executed.position ?? position;
      await this.live.removed(proxyId);
    }
    return position === undefined ? {} : { position };
  }

  /** A device's control connection ended: sessions through it end (device-offline). */
  connectionEnded(mac: Mac): void {
    this.live.deviceOffline(mac);
  }

  /** Whether a profile listens on this node now (for tests and metrics). */
  isListening(proxyId: string): boolean {
    return this.live.isListening(proxyId);
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await this.live.closeEvery('hub-shutdown');
  }

  private async change(proxyId: string, change: ProxyChange, context: CommandContext): Promise<{ readonly position?: number }> {
    const { position } = await this.options.runtime.reserve(this.proxies, proxyId, change, context);
    return position === undefined ? {} : { position };
  }

  private mustRun(): void {
    if (this.stopping) throw new TetherError('unavailable', 'the hub is shutting down');
  }

  private async mustExist(proxyId: string): Promise<ProxySettings> {
    const { state } = await this.options.runtime.load(proxyAggregate, proxyId);
    const settings = settingsOf(state);
    if (settings === undefined) throw new TetherError('not_found', `proxy ${proxyId} not found`, ['params.id']);
    return settings;
  }

  /** What the hub's configuration and the other profiles decide about a profile. */
  private async check(proxyId: string, settings: ProxySettings): Promise<void> {
    const { sourcePort, protocol, target } = settings;
    const { reservedPorts } = this.options;
    if (sourcePort >= reservedPorts.from && sourcePort <= reservedPorts.to) {
      throw new TetherError(
        'validation_failed',
        `sourcePort ${sourcePort} lies in the DeviceLink port range ${reservedPorts.from}-${reservedPorts.to}: pick a port outside it`,
        ['body.sourcePort'],
      );
    }
    const transport = transportOf(protocol);
    for (const [otherId, other] of this.live.profiles) {
      if (otherId !== proxyId && other.sourcePort === sourcePort && transportOf(other.protocol) === transport) {
        throw new TetherError('port_in_use', `${transport.toUpperCase()} port ${sourcePort} is the source port of proxy ${otherId}`, ['body.sourcePort']);
      }
    }
    if (isDeviceTarget(target)) {
      const { state } = await this.options.runtime.load(deviceAggregate, target.device);
      if (!isRegistered(state) || !isAssigned(state) || state.context.tenantId !== target.tenant) {
        throw new TetherError('validation_failed', `target.device ${formatMac(target.device)} is not a device of tenant ${target.tenant}`, ['body.target.device']);
      }
    } else if (target.type === 'plugin') {
      const plugin = this.options.env.plugins.get(target.plugin);
      const known = [...this.options.env.plugins.keys()];
      if (plugin === undefined) {
        throw new TetherError(
          'validation_failed',
          `target.plugin ${target.plugin} is not a plugin of this hub (configured: ${known.length === 0 ? 'none' : known.join(', ')})`,
          ['body.target.plugin'],
        );
      }
      if (plugin.ports !== undefined && !plugin.ports.includes(target.port)) {
        throw new TetherError('validation_failed', `target.port ${target.port} is not a port of plugin ${target.plugin} (${plugin.ports.join(', ')})`, ['body.target.port']);
      }
    }
  }
}
