// The DeviceLink module's configuration: the device port and UDP idle timeout a request may
// leave out, the ports handed out to links, and the address they bind to. Where each value
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

export const DeviceLinkConfig = t.exact(
  t.intersection([t.type({ ports: PortRange, bindAddress: Host }), t.partial({ devicePort: Port, timeout: TimeoutMs })]),
  'DeviceLinkConfig',
);
export type DeviceLinkConfig = t.TypeOf<typeof DeviceLinkConfig>;

export const defaultLinkPorts: PortRange = { from: 40000, to: 40999 };

/** Without any configuration: the default range on the hub's own listen address; no default device port, no timeout. */
export const defaultDeviceLinkConfig = (bindAddress: string): DeviceLinkConfig => ({ ports: defaultLinkPorts, bindAddress });

/** What completes a request that leaves devicePort or timeout out (resolveLinkSettings). */
export const linkDefaultsOf = (config: DeviceLinkConfig): DeviceLinkDefaults => ({
  ...(config.devicePort === undefined ? {} : { devicePort: config.devicePort }),
  ...(config.timeout === undefined ? {} : { timeout: config.timeout }),
});

/** "40000-40999" as a range, or undefined. */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^\s*([0-9]{1,5})\s*-\s*([0-9]{1,5})\s*$/.exec(text);
  if (match === null) return undefined;
  const range = { from: Number(match[1]), to: Number(match[2]) };
  return isPortRange(range) ? range : undefined;
}
