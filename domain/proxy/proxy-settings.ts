// A proxy profile's settings as the seed (seeds/proxies.txt) lists them: name, description,
// protocol, enabled, the source port, and a target whose fields depend on the protocol:
// - tcp / udp: a host address (address, port) or a plugin (a named local service of the hub,
//   and its port); TLS to the target for TCP only;
// - tcp-over-device: a tenant, a device, an address and port reachable from it, optional TLS;
// - http-over-device: the same, served as HTTP through the hub and embeddable in an iframe.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { Mac } from '../device/mac.js';
import { TetherError } from '../errors.js';
import { Description, DisplayName, FlowTimeoutMs, FrameAncestors, ruled, TargetTls } from '../forward-session/target-fields.js';
import { TenantId } from '../tenant/tenant-id.js';
import { fieldErrors } from '../tunnel/field-errors.js';
import { Host, Port } from '../tunnel/link-fields.js';

export type ProxyProtocol = 'tcp' | 'udp' | 'tcp-over-device' | 'http-over-device';
export const proxyProtocols: readonly ProxyProtocol[] = ['tcp', 'udp', 'tcp-over-device', 'http-over-device'];
export const ProxyProtocol = ruled(
  'ProxyProtocol',
  'must be "tcp", "udp", "tcp-over-device" or "http-over-device"',
  (u): u is ProxyProtocol => typeof u === 'string' && (proxyProtocols as readonly string[]).includes(u),
);

const pluginName = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** A plugin's name in the hub's configuration: lower-case letters, digits and `-`. */
export const PluginName = ruled(
  'PluginName',
  'must be the name of a plugin: 1 to 64 lower-case letters, digits or "-"',
  (u): u is string => typeof u === 'string' && pluginName.test(u),
);

const withTls = t.partial({ tls: TargetTls });

export const HostTarget = t.exact(t.intersection([t.type({ type: t.literal('host'), address: Host, port: Port }), withTls]), 'an object {type: "host", address, port, tls?}');
export type HostTarget = t.TypeOf<typeof HostTarget>;

export const PluginTarget = t.exact(t.intersection([t.type({ type: t.literal('plugin'), plugin: PluginName, port: Port }), withTls]), 'an object {type: "plugin", plugin, port, tls?}');
export type PluginTarget = t.TypeOf<typeof PluginTarget>;

/** `frameAncestors`: who may frame an http-over-device target (the dashboard's origin). */
export const DeviceTarget = t.exact(
  t.intersection([
    t.type({ tenant: TenantId, device: Mac, address: Host, port: Port }),
    t.partial({ tls: TargetTls, frameAncestors: FrameAncestors }),
  ]),
  'an object {tenant, device, address, port, tls?, frameAncestors?}',
);
export type DeviceTarget = t.TypeOf<typeof DeviceTarget>;

export type ProxyTarget = HostTarget | PluginTarget | DeviceTarget;

export interface ProxySettings {
  readonly name: string;
  readonly description?: string;
  readonly protocol: ProxyProtocol;
  readonly enabled: boolean;
  readonly sourcePort: number;
  readonly target: ProxyTarget;
  /** UDP only: a client's flow ends after this long without a datagram (default 60 s). */
  readonly timeout?: number;
}

export const isDeviceTarget = (target: ProxyTarget): target is DeviceTarget => !('type' in target);

export const defaultUdpFlowTimeoutMs = 60_000;

const TargetType = t.type({ type: ruled('TargetType', 'must be "host" or "plugin"', (u): u is 'host' | 'plugin' => u === 'host' || u === 'plugin') }, 'an object {type: "host" | "plugin", ...}');

function targetCodecOf(body: unknown): t.Mixed {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const target = typeof fields.target === 'object' && fields.target !== null ? (fields.target as Record<string, unknown>) : {};
  if (!ProxyProtocol.is(fields.protocol)) return t.unknown;
  if (fields.protocol === 'tcp-over-device' || fields.protocol === 'http-over-device') return DeviceTarget;
  if (target.type === 'host') return HostTarget;
  if (target.type === 'plugin') return PluginTarget;
  return TargetType;
}

const base = t.type({ name: DisplayName, protocol: ProxyProtocol, sourcePort: Port });
const optional = t.partial({ description: Description, enabled: t.boolean, timeout: FlowTimeoutMs, id: t.unknown });

/** What no codec can say alone: which fields go with which protocol. */
function crossFieldProblems(settings: ProxySettings): Map<string, string> {
  const problems = new Map<string, string>();
  const { protocol, target } = settings;
  if (protocol === 'udp' && target.tls !== undefined) problems.set('target.tls', 'target.tls applies to TCP only: a UDP proxy has no TLS');
  if (protocol !== 'udp' && settings.timeout !== undefined) problems.set('timeout', 'timeout (the idle timeout of a flow) applies to UDP proxies only');
  if (protocol !== 'http-over-device' && isDeviceTarget(target) && target.frameAncestors !== undefined) {
    problems.set('target.frameAncestors', 'target.frameAncestors applies to http-over-device only');
  }
  return problems;
}

/**
 * The body of a create or an edit, or validation_failed naming each bad field and its rule.
 * `id` may appear in the body (it is checked by the caller against the profile's id).
 */
export function decodeProxySettings(body: unknown, where?: string): Either<TetherError, ProxySettings & { readonly id?: unknown }> {
  const codec = t.exact(t.intersection([base, optional, t.type({ target: targetCodecOf(body) })]), 'a JSON object');
  const decoded = codec.decode(body);
  if (isLeft(decoded)) return left(fieldErrors(decoded.left, 'the request body', where));
  const { enabled, description, timeout, target, id, ...rest } = decoded.right as t.TypeOf<typeof base> &
    t.TypeOf<typeof optional> & { target: ProxyTarget };
  const settings: ProxySettings = {
    ...rest,
    ...(description === undefined ? {} : { description }),
    enabled: enabled ?? true,
    target,
    ...(timeout === undefined ? {} : { timeout }),
  };
  const problems = crossFieldProblems(settings);
  if (problems.size > 0) {
    const paths = [...problems.keys()].sort();
    const details = paths.map((path) => (where === undefined ? path : `${where}.${path}`));
    return left(new TetherError('validation_failed', paths.map((path) => problems.get(path)).join('; '), details));
  }
  return right(id === undefined ? settings : { ...settings, id });
}

/** The settings as stored: checked again when a command is decided, since an event once stored is forever. */
export const isProxySettings = (value: unknown): value is ProxySettings => {
  const decoded = decodeProxySettings(value);
  return !isLeft(decoded) && !('id' in decoded.right);
};

/** The transport a protocol rides: its source port is a TCP port or a UDP port. */
export const transportOf = (protocol: ProxyProtocol): 'tcp' | 'udp' => (protocol === 'udp' ? 'udp' : 'tcp');
