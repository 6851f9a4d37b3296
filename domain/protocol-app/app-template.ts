// A protocol application: a template an admin creates once and tenant-admins assign to devices
// (seeds/reverse-connections.txt). Its type says what "connect" does:
// - tcp / udp: a user reaches a port of the device, as DeviceLink does;
// - http: a device's web interface through the hub (embeddable in an iframe);
// - dtt-reverse: applications on the device reach a server in the service network. The
//   device's agent listens on each mapping's device port; bytes go through the hub to the
//   target endpoint (the hub itself, or an agent running with --service-endpoint), which
//   connects to targetHost:targetPort as it sees it (e.g. localhost).
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decodeMac, formatMac } from '../device/mac.js';
import type { Mac } from '../device/mac.js';
import { TetherError } from '../errors.js';
import { Description, DisplayName, FlowTimeoutMs, FrameAncestors, ruled, TargetTls } from '../forward-session/target-fields.js';
import { fieldErrors } from '../tunnel/field-errors.js';
import { Host, Port } from '../tunnel/link-fields.js';

export type AppType = 'tcp' | 'udp' | 'http' | 'dtt-reverse';
export const appTypes: readonly AppType[] = ['tcp', 'udp', 'http', 'dtt-reverse'];
export const AppType = ruled(
  'AppType',
  'must be "tcp", "udp", "http" or "dtt-reverse"',
  (u): u is AppType => typeof u === 'string' && (appTypes as readonly string[]).includes(u),
);

/** `hub`, or the MAC of the agent serving as the target endpoint (canonical form). */
export type TargetEndpoint = 'hub' | Mac;
export const TargetEndpoint = new t.Type<TargetEndpoint, string, unknown>(
  'TargetEndpoint',
  (u): u is TargetEndpoint => u === 'hub' || (typeof u === 'string' && /^[0-9a-f]{12}$/.test(u)),
  (u, c) => {
    if (u === 'hub') return t.success('hub');
    const mac = decodeMac(u);
    return isLeft(mac) ? t.failure(u, c, 'must be "hub" or the MAC of an agent running with --service-endpoint') : t.success(mac.right);
  },
  (endpoint) => endpoint,
);

/** How the API writes a target endpoint: `hub`, or the agent's MAC as `00:11:22:AA:BB:CC`. */
export const shownEndpoint = (endpoint: string): string => (endpoint === 'hub' ? endpoint : formatMac(endpoint));

export const PortMapping = t.exact(t.type({ devicePort: Port, targetPort: Port }), 'an object {devicePort, targetPort}');
export type PortMapping = t.TypeOf<typeof PortMapping>;

export const maxPortMappings = 16;

const described = t.partial({ description: Description });

export const TcpApp = t.exact(t.intersection([t.type({ name: DisplayName, type: t.literal('tcp'), devicePort: Port }), described]), 'a JSON object');
export const UdpApp = t.exact(
  t.intersection([t.type({ name: DisplayName, type: t.literal('udp'), devicePort: Port }), described, t.partial({ timeout: FlowTimeoutMs })]),
  'a JSON object',
);
export const HttpApp = t.exact(
  t.intersection([
    t.type({ name: DisplayName, type: t.literal('http'), devicePort: Port }),
    described,
    t.partial({ tls: TargetTls, frameAncestors: FrameAncestors }),
  ]),
  'a JSON object',
);
export const ReverseApp = t.exact(
  t.intersection([
    t.type({ name: DisplayName, type: t.literal('dtt-reverse'), targetEndpoint: TargetEndpoint, targetHost: Host, portMappings: t.array(PortMapping) }),
    described,
  ]),
  'a JSON object',
);

export type TcpApp = t.TypeOf<typeof TcpApp>;
export type UdpApp = t.TypeOf<typeof UdpApp>;
export type HttpApp = t.TypeOf<typeof HttpApp>;
export type ReverseApp = t.TypeOf<typeof ReverseApp>;
export type AppTemplate = TcpApp | UdpApp | HttpApp | ReverseApp;

export const StoredAppTemplate: t.Type<AppTemplate, unknown, unknown> = t.union([TcpApp, UdpApp, HttpApp, ReverseApp]);

const codecOf = (body: unknown): t.Mixed => {
  const type = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).type : undefined;
  switch (type) {
    case 'tcp':
      return TcpApp;
    case 'udp':
      return UdpApp;
    case 'http':
      return HttpApp;
    case 'dtt-reverse':
      return ReverseApp;
    default:
      return t.exact(t.type({ name: DisplayName, type: AppType }), 'a JSON object');
  }
};

function mappingProblems(mappings: readonly PortMapping[]): string | undefined {
  if (mappings.length < 1 || mappings.length > maxPortMappings) return `portMappings must hold 1 to ${maxPortMappings} mappings {devicePort, targetPort}`;
  const ports = mappings.map((mapping) => mapping.devicePort);
  if (new Set(ports).size !== ports.length) return 'portMappings may not map one devicePort twice';
  return undefined;
}

/** A create or edit body, or validation_failed naming each bad field and its rule. */
export function decodeAppTemplate(body: unknown, where?: string): Either<TetherError, AppTemplate> {
  const decoded = codecOf(body).decode(body);
  if (isLeft(decoded)) return left(fieldErrors(decoded.left, 'the request body', where));
  const template = decoded.right as AppTemplate;
  if (template.type === 'dtt-reverse') {
    const problem = mappingProblems(template.portMappings);
    if (problem !== undefined) return left(new TetherError('validation_failed', problem, [where === undefined ? 'portMappings' : `${where}.portMappings`]));
  }
  return right(template);
}

export const isAppTemplate = (value: unknown): value is AppTemplate => {
  const decoded = decodeAppTemplate(value);
  return !isLeft(decoded);
};
