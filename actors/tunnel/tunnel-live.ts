// This node's live tunnels as their events make them, keyed by tunnel id (sockets never
// enter machine context). Reserve places the link, takes one of the tenant's seats and one of
// the chosen relay's (link-seats.ts), then a port on that host; the tunnel starts once
// TunnelOpened is stored and is let go once TunnelClosed is, which frees its seats for every
// node. An opening that is not stored gives its port and its seats back.
import { TetherError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.js';
import { placeSession } from '../../domain/relay/placement.js';
import type { TunnelCommand } from '../../domain/tunnel/commands.js';
import type { tunnelMachine } from '../../domain/tunnel/machine.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { TunnelLifetimes } from './tunnel-lifetimes.js';
import type { HostedTunnel, TunnelHost } from '../../data-plane/tunnel-host.js';
import type { LinkHostCandidate, LinkHosts } from './link-hosts.js';
import type { FreeSeat, LinkSeats } from '../link-seats/link-seats.js';
import { openTunnelCommand, resolveSource } from './link-opening.js';
import { tunnelKeyFromHex } from '../../data-plane/tunnel-cipher.js';
import type { Applied, LiveModule, Reserved } from '../runtime/live-module.js';
import type { TunnelLogger, LiveTunnel, Totals } from '../../data-plane/live-tunnel.js';
import { RemoteTunnel } from '../../data-plane/remote-tunnel.js';
import type { OpenLinkRequest } from './tunnel-requests.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';

/** What the supervisor asks reserve for: a link to open for a device whose control connection proved its tenant. */
export interface LinkToOpen extends OpenLinkRequest {
  readonly tunnelId: string;
  readonly control: ControlConnection;
  /** SHA-256 (hex) of the secret of the link's token. */
  readonly tokenHash: string;
}

/** A link's port, held from before OpenTunnel is decided until TunnelClosed is stored. */
export interface HeldLink extends HostedTunnel {
  /** The host it was placed on. */
  readonly on: TunnelHost;
  /** Gives the tenant's seat and the relay's back, for an opening that was not stored. */
  readonly freeSeats: FreeSeat;
}

export interface TunnelLiveOptions {
  readonly clock: Clock;
  readonly hosts: LinkHosts;
  readonly nodeId: string;
  /** The tenants' seats (`tenantlinkseats-<tenant>`): how many links each holds open on every node. */
  readonly tenantSeats: LinkSeats;
  /** Infinity: no limit, and no seat taken. */
  readonly maxLinksPerTenant: number;
  readonly logger: TunnelLogger;
  /** Ends a link by an event with this cause (its lifetime ran out). */
  readonly end: (link: LiveTunnel, cause: TerminationCause) => void;
}

export class TunnelLive implements LiveModule<typeof tunnelMachine, TunnelCommand, LinkToOpen, HeldLink> {
  private readonly links = new Map<string, LiveTunnel>();
  private readonly held = new Map<string, HeldLink>();
  private readonly lifetimes: TunnelLifetimes;
  private endedLinkBytes: Totals = { bytesToDevice: 0, bytesFromDevice: 0 };

  constructor(private readonly options: TunnelLiveOptions) {
    this.lifetimes = new TunnelLifetimes(options.clock, (tunnelId) => {
      const link = this.links.get(tunnelId);
      if (link !== undefined) options.end(link, 'lifetime-expired');
    });
  }

  get count(): number {
    return this.links.size;
  }

  linkOf(tunnelId: string): LiveTunnel | undefined {
    return this.links.get(tunnelId);
  }

  all(): LiveTunnel[] {
    return [...this.links.values()];
  }

  /** Bytes the links this node carried itself in this run, ended ones included: it never decreases. */
  relayedBytes(): Totals {
    let { bytesToDevice, bytesFromDevice } = this.endedLinkBytes;
    for (const link of this.links.values()) {
      if (link instanceof RemoteTunnel) continue;
      const totals = link.totals();
      bytesToDevice += totals.bytesToDevice;
      bytesFromDevice += totals.bytesFromDevice;
    }
    return { bytesToDevice, bytesFromDevice };
  }

  /**
   * The request's checks and placement come first, so a request refused by them takes no seat;
   * the seats come before the port, so a tenant at its limit binds nothing.
   */
  async reserve(request: LinkToOpen): Promise<Reserved<TunnelCommand, HeldLink>> {
    const { tunnelId, device, tenantId, settings, relay, control } = request;
    const key = settings.encrypt === undefined ? undefined : tunnelKeyFromHex(settings.encrypt);
    const sourceAddresses = settings.source === undefined ? undefined : await resolveSource(settings.source.host);
    const { hosts } = this.options;
    const candidates = await hosts.candidates(relay);
    const chosen = placeSession(candidates, relay);
    const on = hosts.named(chosen);
    const candidate = candidates.find(({ name }) => name === chosen);
    if (candidate === undefined) throw new TetherError('internal', `placement chose ${chosen}, which is no candidate`);
    const freeSeats = await this.takeSeats(request, candidate);
    const info = { tunnelId, device, tenantId, devicePort: settings.devicePort };
    let hosted: HostedTunnel;
    try {
      hosted = await on.open({ info, settings, control, ...(key === undefined ? {} : { key }), ...(sourceAddresses === undefined ? {} : { sourceAddresses }) });
    } catch (error) {
      await freeSeats();
      throw error;
    }
    const command = openTunnelCommand(request, { port: hosted.port, host: hosted.host, relay: on.relay, node: this.options.nodeId, encrypted: key !== undefined, sourceAddresses });
    return { command, held: { ...hosted, on, freeSeats } };
  }

  async release(held: HeldLink): Promise<void> {
    await held.link.discard('error');
    held.on.release(held.link.info.tunnelId);
    await held.freeSeats();
  }

  /**
   * The tenant's seat, then the chosen relay's: the seats, not the counts placement saw, keep
   * two openings (on any nodes) from both taking a tenant's or a relay's last place.
   */
  private async takeSeats(request: LinkToOpen, candidate: LinkHostCandidate): Promise<FreeSeat> {
    const { tunnelId, context } = request;
    const freeTenantSeat = await this.takeTenantSeat(request);
    try {
      const freeRelaySeat = await this.options.hosts.takeSeat(candidate, tunnelId, context);
      return async () => {
        await this.giveBack(freeRelaySeat, tunnelId);
        await this.giveBack(freeTenantSeat, tunnelId);
      };
    } catch (error) {
      await this.giveBack(freeTenantSeat, tunnelId);
      throw error;
    }
  }

  private async takeTenantSeat({ tenantId, tunnelId, context }: LinkToOpen): Promise<FreeSeat> {
    const { tenantSeats, maxLinksPerTenant: capacity } = this.options;
    if (capacity === Number.POSITIVE_INFINITY) return async () => undefined;
    return tenantSeats.take(tenantId, tunnelId, { capacity, counted: await tenantSeats.count(tenantId) }, context);
  }

  /** A seat that cannot be given back frees itself once the opening window has passed: the failure that led here stays the one reported. */
  private async giveBack(free: FreeSeat, tunnelId: string): Promise<void> {
    await free().catch((error: unknown) => this.options.logger.warn({ err: error, tunnelId }, 'could not give a link seat back; it frees itself once the opening window has passed'));
  }

  apply({ id, events, held }: Applied<typeof tunnelMachine, HeldLink>): void {
    for (const event of events) {
      if (event.type === 'TunnelOpened' && held !== undefined) this.start(id, held, event.data.expiresAt);
      if (event.type === 'TunnelClosed') this.forget(id, event.data.cause);
    }
  }

  /**
   * The link ended (its end is recorded, or could not be): its port and timer go; its sockets close
   * if they have not. Its seats count as live until TunnelClosed is stored: an end the store did not
   * take, the supervisor records again until it does (ends-not-stored.ts).
   */
  forget(tunnelId: string, cause: TerminationCause): void {
    const link = this.links.get(tunnelId);
    const held = this.held.get(tunnelId);
    this.links.delete(tunnelId);
    this.held.delete(tunnelId);
    this.lifetimes.forget(tunnelId);
    if (link === undefined || held === undefined) return;
    held.on.release(tunnelId);
    void link.discard(cause);
    if (link instanceof RemoteTunnel) return;
    const totals = link.totals();
    this.endedLinkBytes = {
      bytesToDevice: this.endedLinkBytes.bytesToDevice + totals.bytesToDevice,
      bytesFromDevice: this.endedLinkBytes.bytesFromDevice + totals.bytesFromDevice,
    };
  }

  private start(tunnelId: string, held: HeldLink, expiresAt: string | undefined): void {
    const { link } = held;
    this.links.set(tunnelId, link);
    this.held.set(tunnelId, held);
    link.start();
    if (expiresAt !== undefined) this.lifetimes.arm(tunnelId, expiresAt);
    const { device, devicePort } = link.info;
    this.options.logger.info({ tunnelId, device, relay: held.on.relay, port: held.port, devicePort }, 'device link opened');
  }
}
