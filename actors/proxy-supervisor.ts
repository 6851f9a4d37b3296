// Owns this node's proxy profiles live: their source ports (bound before a profile's event is
// appended, so a port in use is refused and nothing is recorded) and their sessions. The
// enabled switch and edits apply at once, without a restart; removal closes the port and ends
// the live sessions with cause `deleted`.
import { deviceAggregate } from '../domain/device/aggregate.js';
import { isAssigned, isRegistered } from '../domain/device/decide.js';
import { formatMac } from '../domain/device/mac.js';
import type { Mac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import { proxyAggregate } from '../domain/proxy/aggregate.js';
import { settingsOf } from '../domain/proxy/decide.js';
import type { ProxySettings } from '../domain/proxy/proxy-settings.js';
import { isDeviceTarget, transportOf } from '../domain/proxy/proxy-settings.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import type { ActorRuntime } from './actor-runtime.js';
import type { CommandContext } from './command-context.js';
import { HostSessions } from './proxy-host.js';
import type { ProxyHost, ProxyHostEnv } from './proxy-host.js';
import type { PortRange } from './port-pool.js';
import { TcpProxyHost } from './tcp-proxy-host.js';
import { UdpProxyHost } from './udp-proxy-host.js';

export interface ProxySupervisorOptions {
  readonly runtime: ActorRuntime;
  readonly env: ProxyHostEnv;
  /** Where source ports bind. */
  readonly bindAddress: string;
  /** The DeviceLink port range: no source port may lie in it. */
  readonly reservedPorts: PortRange;
}

interface LiveProxy {
  current?: ProxyHost;
  /** Hosts whose port closed (the switch, a new port) while their sessions go on. */
  readonly retired: Set<ProxyHost>;
}

export class ProxySupervisor {
  /** Every profile that exists, enabled or not, by id. */
  private readonly profiles = new Map<string, ProxySettings>();
  private readonly live = new Map<string, LiveProxy>();
  private stopping = false;

  constructor(private readonly options: ProxySupervisorOptions) {}

  /** Loads the profiles (`ids`: every proxy stream's id) and opens the source ports of the enabled ones; a port that cannot be bound is logged, not fatal. */
  async start(ids: Iterable<string>): Promise<void> {
    for (const proxyId of ids) {
      const { state } = await this.options.runtime.load(proxyAggregate, proxyId);
      const settings = settingsOf(state);
      if (settings === undefined) continue;
      this.profiles.set(proxyId, settings);
      if (!settings.enabled) continue;
      try {
        const host = await this.bind(proxyId, settings);
        host.start();
        this.live.set(proxyId, { current: host, retired: new Set() });
      } catch (error) {
        this.options.env.logger.warn({ err: error, proxyId, sourcePort: settings.sourcePort }, 'could not open the source port of an enabled proxy');
      }
    }
  }

  /** Creates a profile; when enabled, its port is open once this resolves. */
  async create(proxyId: string, settings: ProxySettings, context: CommandContext): Promise<{ readonly position?: number }> {
    this.mustRun();
    const { state } = await this.options.runtime.load(proxyAggregate, proxyId);
    if (state.matches('active')) throw new TetherError('already_exists', `proxy ${proxyId} already exists`, ['body.id']);
    await this.check(proxyId, settings);
    const host = settings.enabled ? await this.bind(proxyId, settings) : undefined;
    let position: number | undefined;
    try {
      ({ position } = await this.options.runtime.execute(proxyAggregate, proxyId, { type: 'CreateProxy', proxyId, settings }, context));
    } catch (error) {
      await host?.close('error');
      throw error;
    }
    this.profiles.set(proxyId, settings);
    if (host !== undefined) {
      host.start();
      this.live.set(proxyId, { current: host, retired: new Set() });
    }
    this.options.env.logger.info({ proxyId, protocol: settings.protocol, sourcePort: settings.sourcePort, enabled: settings.enabled }, 'proxy created');
    return position === undefined ? {} : { position };
  }

  /** An edit, applied at once: a new port opens before the old one closes; live sessions go on. */
  async update(proxyId: string, settings: ProxySettings, context: CommandContext): Promise<{ readonly position?: number }> {
    this.mustRun();
    await this.mustExist(proxyId);
    await this.check(proxyId, settings);
    const entry = this.live.get(proxyId);
    const current = entry?.current;
    const sameListener = current !== undefined && current.port === settings.sourcePort && current.transport === transportOf(settings.protocol);
    const fresh = settings.enabled && !sameListener ? await this.bind(proxyId, settings) : undefined;
    let position: number | undefined;
    try {
      ({ position } = await this.options.runtime.execute(proxyAggregate, proxyId, { type: 'UpdateProxy', proxyId, settings }, context));
    } catch (error) {
      await fresh?.close('error');
      throw error;
    }
    this.profiles.set(proxyId, settings);
    if (settings.enabled && sameListener) current.reconfigure(settings);
    else this.replace(proxyId, fresh);
    return position === undefined ? {} : { position };
  }

  /** The enabled switch: opens the source port, or closes it (live sessions go on; the profile stays). */
  async setEnabled(proxyId: string, enabled: boolean, context: CommandContext): Promise<{ readonly position?: number }> {
    this.mustRun();
    const settings = await this.mustExist(proxyId);
    const current = this.live.get(proxyId)?.current;
    const fresh = enabled && current === undefined ? await this.bind(proxyId, settings) : undefined;
    let position: number | undefined;
    try {
      ({ position } = await this.options.runtime.execute(proxyAggregate, proxyId, { type: 'SetProxyEnabled', enabled }, context));
    } catch (error) {
      await fresh?.close('error');
      throw error;
    }
    this.profiles.set(proxyId, { ...settings, enabled });
    if (enabled) {
      if (fresh !== undefined) this.replace(proxyId, fresh);
    } else {
      this.replace(proxyId, undefined);
    }
    return position === undefined ? {} : { position };
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
      this.profiles.delete(proxyId);
      await this.closeAll(proxyId, 'deleted');
    }
    return position === undefined ? {} : { position };
  }

  /** A device's control connection ended: sessions through it end (device-offline). */
  connectionEnded(mac: Mac): void {
    for (const entry of this.live.values()) {
      entry.current?.deviceOffline(mac);
      entry.retired.forEach((host) => host.deviceOffline(mac));
    }
  }

  /** Whether a profile listens on this node now (for tests and metrics). */
  isListening(proxyId: string): boolean {
    return this.live.get(proxyId)?.current !== undefined;
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.live.keys()].map((proxyId) => this.closeAll(proxyId, 'hub-shutdown')));
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
    for (const [otherId, other] of this.profiles) {
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

  private async bind(proxyId: string, settings: ProxySettings): Promise<ProxyHost> {
    const sessions = new HostSessions(this.options.env.logger);
    const host =
      transportOf(settings.protocol) === 'udp'
        ? new UdpProxyHost(proxyId, settings, sessions, this.options.env)
        : new TcpProxyHost(proxyId, settings, sessions, this.options.env);
    await host.bind(this.options.bindAddress);
    return host;
  }

  /** `fresh` (started) takes the port's place; the previous host closes its port and keeps its sessions. */
  private replace(proxyId: string, fresh: ProxyHost | undefined): void {
    const entry = this.live.get(proxyId) ?? { retired: new Set<ProxyHost>() };
    const previous = entry.current;
    if (previous !== undefined) {
      entry.retired.add(previous);
      previous.retire().catch((error: unknown) => this.options.env.logger.error({ err: error, proxyId }, 'could not close a proxy port'));
    }
    for (const host of entry.retired) if (host !== previous && host.sessionCount === 0) entry.retired.delete(host);
    fresh?.start();
    entry.current = fresh;
    this.live.set(proxyId, entry);
  }

  private async closeAll(proxyId: string, cause: TerminationCause): Promise<void> {
    const entry = this.live.get(proxyId);
    if (entry === undefined) return;
    this.live.delete(proxyId);
    const hosts = [...entry.retired, ...(entry.current === undefined ? [] : [entry.current])];
    await Promise.all(hosts.map((host) => host.close(cause)));
  }
}
