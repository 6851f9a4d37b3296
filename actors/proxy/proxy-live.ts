// This node's proxy profiles live, as their events make them: every profile's settings, and the
// source ports of the enabled ones with their sessions. A port a change needs is bound by
// reserve, before the change is decided (a port in use is refused and nothing is recorded); it
// takes the old port's place once the change is stored, and closes again if it is not.
import { settingsOf } from '../../domain/proxy/decide.js';
import type { ProxyCommand } from '../../domain/proxy/commands.js';
import type { proxyMachine } from '../../domain/proxy/machine.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { transportOf } from '../../domain/proxy/proxy-settings.js';
import type { Mac } from '../../domain/device/mac.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { Applied, LiveModule, Reserved } from '../runtime/live-module.js';
import { HostSessions } from './proxy-host.js';
import type { ProxyHost, ProxyHostEnv } from './proxy-host.js';
import { TcpProxyHost } from './tcp-proxy-host.js';
import { UdpProxyHost } from './udp-proxy-host.js';

/** A change of a profile, and the settings it leaves the profile with. */
export interface ProxyChange {
  readonly command: ProxyCommand;
  readonly settings: ProxySettings;
}

/** The source port a change binds; undefined when it needs none (disabled, or the port it listens on already). */
export type HeldPort = ProxyHost | undefined;

interface LiveProxy {
  current?: ProxyHost;
  /** Hosts whose port closed (the switch, a new port) while their sessions go on. */
  readonly retired: Set<ProxyHost>;
}

export class ProxyLive implements LiveModule<typeof proxyMachine, ProxyCommand, ProxyChange, HeldPort> {
  private readonly settings = new Map<string, ProxySettings>();
  private readonly live = new Map<string, LiveProxy>();
  /** Ports of removed profiles still closing, so that a removal resolves once they are closed. */
  private readonly closing = new Map<string, Promise<void>>();

  constructor(
    private readonly env: ProxyHostEnv,
    /** Where source ports bind. */
    private readonly bindAddress: string,
  ) {}

  /** Every profile that exists, enabled or not, by id. */
  get profiles(): ReadonlyMap<string, ProxySettings> {
    return this.settings;
  }

  /** Opens the source port of a stored profile (at start-up): a port that cannot be bound is logged, not fatal. */
  async restore(proxyId: string, settings: ProxySettings): Promise<void> {
    this.settings.set(proxyId, settings);
    if (!settings.enabled) return;
    try {
      const host = await this.bind(proxyId, settings);
      host.start();
      this.live.set(proxyId, { current: host, retired: new Set() });
    } catch (error) {
      this.env.logger.warn({ err: error, proxyId, sourcePort: settings.sourcePort }, 'could not open the source port of an enabled proxy');
    }
  }

  async reserve({ command, settings }: ProxyChange, _state: unknown, proxyId: string): Promise<Reserved<ProxyCommand, HeldPort>> {
    const listening = settings.enabled && this.listensAs(proxyId, settings);
    return { command, held: settings.enabled && !listening ? await this.bind(proxyId, settings) : undefined };
  }

  async release(fresh: HeldPort): Promise<void> {
    await fresh?.close('error');
  }

  apply({ id, after, held }: Applied<typeof proxyMachine, HeldPort>): void {
    const settings = settingsOf(after);
    if (settings === undefined) {
      this.settings.delete(id);
      this.closing.set(id, this.closeAll(id, 'deleted'));
      return;
    }
    this.settings.set(id, settings);
    const current = this.live.get(id)?.current;
    if (settings.enabled && held === undefined && current !== undefined) current.reconfigure(settings);
    else this.replace(id, settings.enabled ? held : undefined);
  }

  /** Resolves once the ports of a removed profile are closed. */
  async removed(proxyId: string): Promise<void> {
    await this.closing.get(proxyId);
    this.closing.delete(proxyId);
  }

  isListening(proxyId: string): boolean {
    return this.live.get(proxyId)?.current !== undefined;
  }

  /** A device's control connection ended: sessions through it end (device-offline). */
  deviceOffline(mac: Mac): void {
    for (const entry of this.live.values()) {
      entry.current?.deviceOffline(mac);
      entry.retired.forEach((host) => host.deviceOffline(mac));
    }
  }

  async closeEvery(cause: TerminationCause): Promise<void> {
    await Promise.all([...this.live.keys()].map((proxyId) => this.closeAll(proxyId, cause)));
  }

  private listensAs(proxyId: string, settings: ProxySettings): boolean {
    const current = this.live.get(proxyId)?.current;
    return current !== undefined && current.port === settings.sourcePort && current.transport === transportOf(settings.protocol);
  }

  private async bind(proxyId: string, settings: ProxySettings): Promise<ProxyHost> {
    const sessions = new HostSessions(this.env.logger);
    const host =
      transportOf(settings.protocol) === 'udp' ? new UdpProxyHost(proxyId, settings, sessions, this.env) : new TcpProxyHost(proxyId, settings, sessions, this.env);
    await host.bind(this.bindAddress);
    return host;
  }

  /** `fresh` takes the port's place and starts; the previous host closes its port and keeps its sessions. */
  private replace(proxyId: string, fresh: ProxyHost | undefined): void {
    const entry = this.live.get(proxyId) ?? { retired: new Set<ProxyHost>() };
    const previous = entry.current;
    if (previous !== undefined) {
      entry.retired.add(previous);
      previous.retire().catch((error: unknown) => this.env.logger.error({ err: error, proxyId }, 'could not close a proxy port'));
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
