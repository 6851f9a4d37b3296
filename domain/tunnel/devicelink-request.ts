// The DeviceLink API, field for field as the seed (seeds/devicelink-api.txt):
// POST /api/v1/devicelink/:deviceIdentifier with this body, answered with the response below.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { TetherError } from '../errors.js';
import { hubRelayName, isRelayName } from '../relay/relay-name.js';
import { fieldErrors } from './field-errors.js';
import { LinkEncryption, LinkProtocol, LinkSource, Port, TimeoutMs } from './link-fields.js';

/** `hub`, or a relay's name: the relay a request asks its link on (Tether's, not the seed's). */
export const RelayChoice = new t.Type<string, string, unknown>(
  'RelayChoice',
  (u): u is string => typeof u === 'string' && (u === hubRelayName || isRelayName(u)),
  (u, c) => (typeof u === 'string' && (u === hubRelayName || isRelayName(u)) ? t.success(u) : t.failure(u, c, 'must be "hub" or the name of a relay')),
  t.identity,
);

/** Unknown fields are dropped, as in every request body of the API. */
export const DeviceLinkRequest = t.exact(
  t.intersection([
    t.type({ protocol: LinkProtocol }),
    t.partial({ devicePort: Port, timeout: TimeoutMs, lifetime: TimeoutMs, source: LinkSource, encrypt: LinkEncryption, relay: RelayChoice }),
  ]),
  'a JSON object',
);
export type DeviceLinkRequest = t.TypeOf<typeof DeviceLinkRequest>;

/**
 * The request body, or validation_failed whose message names each bad field and its rule.
 * `where` prefixes the paths in `details` (the API passes "body").
 */
export function decodeDeviceLinkRequest(body: unknown, where?: string): Either<TetherError, DeviceLinkRequest> {
  const decoded = DeviceLinkRequest.decode(body);
  return isLeft(decoded) ? left(fieldErrors(decoded.left, 'the request body', where)) : right(decoded.right);
}

/** The module's configuration: the device port and UDP idle timeout used when a request omits them, and the longest TCP lifetime. */
export const DeviceLinkDefaults = t.exact(t.partial({ devicePort: Port, timeout: TimeoutMs, lifetime: TimeoutMs }), 'an object {devicePort?, timeout?, lifetime?}');
export type DeviceLinkDefaults = t.TypeOf<typeof DeviceLinkDefaults>;

/** What a link is opened with. `timeout` is the UDP idle timeout: absent, a link never idles out. */
export interface LinkSettings {
  readonly protocol: LinkProtocol;
  readonly devicePort: number;
  readonly timeout?: number;
  /** A TCP link's lifetime in ms: it closes (lifetime-expired) this long after it opened. Absent: it lives until closed. */
  readonly lifetime?: number;
  readonly source?: LinkSource;
  /** For the live link only: it never enters an event. */
  readonly encrypt?: LinkEncryption;
}

const shortest = (asked: number | undefined, configured: number | undefined): number | undefined =>
  asked === undefined ? configured : configured === undefined ? asked : Math.min(asked, configured);

/**
 * The request completed by the module defaults. devicePort is required unless configured.
 * The timeout closes an idle UDP socket (the seed); a TCP link has none, so a TCP request's
 * timeout is ignored and not echoed. The lifetime ends a TCP link (a UDP request's is ignored
 * likewise): a request may ask a shorter one than configured, never a longer one.
 */
export function resolveLinkSettings(request: DeviceLinkRequest, defaults: DeviceLinkDefaults): Either<TetherError, LinkSettings> {
  const devicePort = request.devicePort ?? defaults.devicePort;
  if (devicePort === undefined) {
    return left(
      new TetherError('validation_failed', 'devicePort is required: no default device port is configured for DeviceLink', ['devicePort']),
    );
  }
  const timeout = request.protocol === 'udp' ? (request.timeout ?? defaults.timeout) : undefined;
  const lifetime = request.protocol === 'tcp' ? shortest(request.lifetime, defaults.lifetime) : undefined;
  return right({
    protocol: request.protocol,
    devicePort,
    ...(timeout === undefined ? {} : { timeout }),
    ...(lifetime === undefined ? {} : { lifetime }),
    ...(request.source === undefined ? {} : { source: request.source }),
    ...(request.encrypt === undefined ? {} : { encrypt: request.encrypt }),
  });
}

/**
 * The answer: the settings the link uses, where the client connects (`port` on `host`: the
 * hub's host as the caller reached it, or the relay carrying the link), the relay (`hub` for
 * the hub itself), and the token that closes it.
 */
export const DeviceLinkResponse = t.exact(
  t.intersection([
    t.type({ port: Port, token: t.string }),
    t.partial({ devicePort: Port, timeout: TimeoutMs, lifetime: TimeoutMs, source: LinkSource, encrypt: LinkEncryption, host: t.string, relay: t.string }),
  ]),
  'a JSON object',
);
export type DeviceLinkResponse = t.TypeOf<typeof DeviceLinkResponse>;

export interface OpenedLinkAnswer {
  readonly port: number;
  readonly token: string;
  readonly host?: string;
  readonly relay?: string;
}

/** The key and IV are echoed to the requester here, and nowhere else. */
export function deviceLinkResponse(settings: LinkSettings, opened: OpenedLinkAnswer): DeviceLinkResponse {
  return {
    devicePort: settings.devicePort,
    ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
    ...(settings.lifetime === undefined ? {} : { lifetime: settings.lifetime }),
    ...(settings.source === undefined ? {} : { source: settings.source }),
    ...(settings.encrypt === undefined ? {} : { encrypt: settings.encrypt }),
    port: opened.port,
    ...(opened.host === undefined ? {} : { host: opened.host }),
    ...(opened.relay === undefined ? {} : { relay: opened.relay }),
    token: opened.token,
  };
}
