// Who may use the device gateway, per client address: how many control connections at once,
// how many hellos a second, how many MACs never seen before it may register an hour. Anyone
// can open a connection, say hello and so register a device: these bound what one address
// makes the hub store. Connections and hellos cost the node that holds them and are counted
// by it; registrations are stored for good, in the store every node shares, and are counted
// for the whole cluster (address-registrations.ts). Refusals are counted for /metrics.
import type { CommandContext } from '../../domain/command-context.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { AddressRegistrations } from './address-registrations.js';
import type { RegistrationCount } from './address-registrations.js';
import { RateWindows } from './rate-window.js';

export interface GatewayLimits {
  /** Open control connections per address, said hello or not. */
  readonly connectionsPerIp: number;
  /** Hellos per address per second. */
  readonly hellosPerSecondPerIp: number;
  /** Devices never seen before (registered unassigned) per address per hour, on every node together. */
  readonly registrationsPerHourPerIp: number;
}

// Devices behind one NAT share an address: a site's devices coming back after a hub restart
// must get in within seconds. Hellos refused are retried by the agent with backoff.
export const defaultGatewayLimits: GatewayLimits = {
  connectionsPerIp: 1000,
  hellosPerSecondPerIp: 100,
  registrationsPerHourPerIp: 1000,
};

export type GatewayLimit = 'connections_per_ip' | 'hellos_per_ip' | 'registrations_per_ip';
export const gatewayLimitNames: readonly GatewayLimit[] = ['connections_per_ip', 'hellos_per_ip', 'registrations_per_ip'];

export class GatewayAdmission {
  private readonly open = new Map<string, number>();
  private readonly hellos: RateWindows;
  private readonly registrations: AddressRegistrations;
  private readonly refusals: Record<GatewayLimit, number> = { connections_per_ip: 0, hellos_per_ip: 0, registrations_per_ip: 0 };

  constructor(
    runtime: ActorRuntime,
    clock: Clock,
    private readonly limits: GatewayLimits = defaultGatewayLimits,
  ) {
    this.hellos = new RateWindows(clock, { limit: limits.hellosPerSecondPerIp, windowMs: 1000 });
    this.registrations = new AddressRegistrations(runtime, 'device', { limit: limits.registrationsPerHourPerIp, windowMs: 3_600_000 });
  }

  /** A new connection from `ip`: false when that address has its share open; else call disconnected(ip) once it ends. */
  connect(ip: string): boolean {
    const count = this.open.get(ip) ?? 0;
    if (count >= this.limits.connectionsPerIp) return this.refuse('connections_per_ip');
    this.open.set(ip, count + 1);
    return true;
  }

  disconnected(ip: string): void {
    const count = (this.open.get(ip) ?? 0) - 1;
    if (count > 0) this.open.set(ip, count);
    else this.open.delete(ip);
  }

  hello(ip: string): boolean {
    return this.hellos.take(ip) || this.refuse('hellos_per_ip');
  }

  /** A hello from `ip` would register `mac`, never seen before: refused when the address's share is used up, on every node. */
  async register(ip: string, mac: string, context: CommandContext): Promise<RegistrationCount> {
    const count = await this.registrations.take(ip, mac, context);
    if (count === 'refused') this.refuse('registrations_per_ip');
    return count;
  }

  /** Gives back a registration this hello counted ('counted') and then stored nothing, so only devices actually registered count. */
  async releaseRegistration(ip: string, mac: string, context: CommandContext): Promise<void> {
    await this.registrations.giveBack(ip, mac, context);
  }

  /** Refusals since the hub started, per limit. */
  refused(limit: GatewayLimit): number {
    return this.refusals[limit];
  }

  private refuse(limit: GatewayLimit): false {
    this.refusals[limit] += 1;
    return false;
  }
}
