// The DeviceLink module's configuration: the device port, UDP idle timeout and TCP lifetime a
// request may leave out, the ports handed out to links, the address they bind to, and how many
// links one tenant may hold open. Where each value
// comes from (flag, environment, config file) is api/devicelink-config-sources.ts.
import * as t from 'io-ts';
import type { DeviceLinkDefaults } from '../domain/tunnel/devicelink-request.js';
import { Host, Port, TimeoutMs } from '../domain/tunnel/link-fields.js';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

const isPortRange = (u: unknown): u is PortRange => {
  if (typeof u !== 'object' || u === null) return false;
  const { from, to } = u as Record<string, unknown>;
  return Port.is(from) && Port.is(to) && from <= to;
};

export const portRangeRule = 'must be FROM-TO: two ports from 1 to 65535, FROM not above TO';

/** Both ends included. */
export const PortRange = new t.Type<PortRange, PortRange, unknown>(
  'PortRange',
  isPortRange,
  (u, c) => (isPortRange(u) ? t.success({ from: u.from, to: u.to }) : t.failure(u, c, portRangeRule)),
  t.identity,
);

const isLinkCount = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 1 && u <= 65535;
export const linkCountRule = 'must be a whole number from 1 to 65535';
/** How many links one tenant may hold open on a hub node. */
export const LinkCount = new t.Type<number, number, unknown>('LinkCount', isLinkCount, (u, c) => (isLinkCount(u) ? t.success(u) : t.failure(u, c, linkCountRule)), t.identity);

export const DeviceLinkConfig = t.exact(
  t.intersection([
    t.type({ ports: PortRange, bindAddress: Host }),
    t.partial({ devicePort: Port, timeout: TimeoutMs, lifetime: TimeoutMs, maxLinksPerTenant: LinkCount }),
  ]),
  'DeviceLinkConfig',
);
export type DeviceLinkConfig = t.TypeOf<typeof DeviceLinkConfig>;

/**
 * Without a configured limit, a tenant may hold a quarter of the port range (at least one): a
 * fair share that leaves the rest to at least three others, so no one tenant takes every port.
 */
export const linksPerTenantOf = (config: DeviceLinkConfig): number =>
  config.maxLinksPerTenant ?? Math.max(1, Math.ceil((config.ports.to - config.ports.from + 1) / 4));

export const defaultLinkPorts: PortRange = { from: 40000, to: 40999 };

/** Without any configuration: the default range on the hub's own listen address; no default device port, no timeout. */
export const defaultDeviceLinkConfig = (bindAddress: string): DeviceLinkConfig => ({ ports: defaultLinkPorts, bindAddress });

/** What completes a request that leaves devicePort, timeout or lifetime out (resolveLinkSettings). */
export const linkDefaultsOf = (config: DeviceLinkConfig): DeviceLinkDefaults => ({
  ...(config.devicePort === undefined ? {} : { devicePort: config.devicePort }),
  ...(config.timeout === undefined ? {} : { timeout: config.timeout }),
  ...(config.lifetime === undefined ? {} : { lifetime: config.lifetime }),
});

/** "40000-40999" as a range, or undefined. */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^\s*([0-9]{1,5})\s*-\s*([0-9]{1,5})\s*$/.exec(text);
  if (match === null) return undefined;
  const range = { from: Number(match[1]), to: Number(match[2]) };
  return isPortRange(range) ? range : undefined;
}
