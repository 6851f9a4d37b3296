// This node's proxy profiles live, as their events make them: every profile's settings, and the
// source ports of the enabled ones with their sessions. A port a change needs is bound by
// reserve, before the change is decided (a port in use is refused and nothing is recorded); it
// takes the old port's place once the change is stored, and closes again if it is not.
// Profiles are changed through any hub node: each node also brings its ports in line with the
// stored state of a profile changed elsewhere (reconcile). Apply and reconcile both settle the
// ports against the profile's state, never a delta, so an event acted on twice changes nothing.
import { settingsOf } from '../../domain/proxy/decide.js';
import type { ProxyState } from '../../domain/proxy/decide.js';
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

/** Whether both listen on one port: the stored profile is enabled on the port and transport a change keeps. */
const sameListener = (stored: ProxySettings | undefined, settings: ProxySettings): boolean =>
  stored !== undefined && stored.enabled && stored.sourcePort === settings.sourcePort && transportOf(stored.protocol) === transportOf(settings.protocol);

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
  /** The position of the last event of each profile this node acted on: hearing it again from the log changes nothing. */
  private readonly actedOn = new Map<string, number>();
  /**
   * Each profile's last settlement, numbered across all profiles so that a profile removed and
   * created again never has an old number: a port bound for an older settlement is not used.
   */
  private readonly generations = new Map<string, number>();
  private settlements = 0;
  /** Ports being bound for changes made elsewhere: a reservation for the profile waits for them. */
  private readonly opening = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly env: ProxyHostEnv,
    /** Where source ports bind. */
    private readonly bindAddress: string,
  ) {}

  /** Every profile that exists, enabled or not, by id. */
  get profiles(): ReadonlyMap<string, ProxySettings> {
    return this.settings;
  }

  /** How many entries this node keeps about profiles: none once every profile is removed and its ports closed. */
  get remembered(): number {
    return [this.settings, this.live, this.closing, this.actedOn, this.generations, this.opening].reduce((sum, map) => sum + map.size, 0);
  }

  /**
   * Brings this node's port in line with a profile's stored settings (undefined: removed), as
   * loaded after the event at `position` was heard (undefined: at start-up). An event this node
   * already acted on changes nothing; a port that cannot be bound is logged, not fatal.
   */
  async reconcile(proxyId: string, settings: ProxySettings | undefined, position?: number): Promise<void> {
    const actedOn = this.actedOn.get(proxyId);
    if (position !== undefined && actedOn !== undefined && position <= actedOn) return;
    if (position !== undefined) this.actedOn.set(proxyId, position);
    if (this.settle(proxyId, settings, undefined) && settings !== undefined) await this.open(proxyId, settings);
  }

  async reserve({ command, settings }: ProxyChange, state: ProxyState, proxyId: string): Promise<Reserved<ProxyCommand, HeldPort>> {
    // A port being opened for a change heard from the log is this profile's own, not a squatter's.
    await this.opening.get(proxyId);
    if (!settings.enabled || this.listensAs(proxyId, settings)) return { command, held: undefined };
    try {
      return { command, held: await this.bind(proxyId, settings) };
    } catch (error) {
      // The profile's stored port already, which this node could not open (a peer node on the
      // same address holds it): the change needs no new port, so it is not refused here.
      if (sameListener(settingsOf(state), settings)) return { command, held: undefined };
      throw error;
    }
  }

  async release(fresh: HeldPort): Promise<void> {
    await fresh?.close('error');
  }

  apply({ id, after, held, position }: Applied<typeof proxyMachine, HeldPort>): void {
    if (position !== undefined) this.actedOn.set(id, position);
    const settings = settingsOf(after);
    if (this.settle(id, settings, held) && settings !== undefined) void this.open(id, settings);
  }

  /** Resolves once the ports of a removed profile are closed. */
  async removed(proxyId: string): Promise<void> {
    await this.closing.get(proxyId);
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
    this.stopped = true;
    await Promise.all([...this.live.keys()].map((proxyId) => this.closeAll(proxyId, cause)));
  }

  private listensAs(proxyId: string, settings: ProxySettings): boolean {
    const current = this.live.get(proxyId)?.current;
    return current !== undefined && current.port === settings.sourcePort && current.transport === transportOf(settings.protocol);
  }

  /**
   * Sets the profile's live state to its stored settings; true when it needs a port this node
   * does not listen on and `held` is not (a change made elsewhere, or start-up).
   */
  private settle(proxyId: string, settings: ProxySettings | undefined, held: HeldPort): boolean {
    this.settlements += 1;
    if (settings === undefined) {
      // A removed profile is forgotten: an event of it heard again finds it removed and changes nothing.
      this.generations.delete(proxyId);
      this.actedOn.delete(proxyId);
      this.settings.delete(proxyId);
      if (this.live.has(proxyId)) this.closeRemoved(proxyId);
      return false;
    }
    this.generations.set(proxyId, this.settlements);
    this.settings.set(proxyId, settings);
    const current = this.live.get(proxyId)?.current;
    if (settings.enabled && held !== undefined) this.replace(proxyId, held);
    else if (!settings.enabled) {
      if (current !== undefined) this.replace(proxyId, undefined);
    } else if (current !== undefined && this.listensAs(proxyId, settings)) current.reconfigure(settings);
    else return true;
    return false;
  }

  /**
   * Binds the port of a change made elsewhere (or found at start-up); a newer change settled
   * meanwhile wins, and the port closes again. Never rejects: a failure is logged.
   */
  private async open(proxyId: string, settings: ProxySettings): Promise<void> {
    const generation = this.generations.get(proxyId);
    const current = (): boolean => !this.stopped && this.generations.get(proxyId) === generation;
    const opening = this.bind(proxyId, settings).then(
      async (host) => {
        if (current()) this.replace(proxyId, host);
        else await host.close('error').catch((error: unknown) => this.env.logger.error({ err: error, proxyId }, 'could not close a proxy port'));
      },
      (error: unknown) => {
        // The port it listened on is no longer the profile's.
        if (current()) this.replace(proxyId, undefined);
        this.env.logger.warn({ err: error, proxyId, sourcePort: settings.sourcePort }, 'could not open the source port of an enabled proxy');
      },
    );
    this.opening.set(proxyId, opening);
    await opening;
    if (this.opening.get(proxyId) === opening) this.opening.delete(proxyId);
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

  /** Closes a removed profile's ports, kept in `closing` until they are closed (whoever removed it, here or elsewhere). */
  private closeRemoved(proxyId: string): void {
    const closed = this.closeAll(proxyId, 'deleted');
    const forget = (): void => {
      if (this.closing.get(proxyId) === closed) this.closing.delete(proxyId);
    };
    this.closing.set(proxyId, closed);
    closed.then(forget, forget);
  }

  private async closeAll(proxyId: string, cause: TerminationCause): Promise<void> {
    const entry = this.live.get(proxyId);
    if (entry === undefined) return;
    this.live.delete(proxyId);
    const hosts = [...entry.retired, ...(entry.current === undefined ? [] : [entry.current])];
    await Promise.all(hosts.map((host) => host.close(cause)));
  }
}
