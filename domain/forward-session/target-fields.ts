// Field codecs shared by proxy profiles and protocol applications: how a target is reached
// (TLS with verification and an optional private CA) and who may frame an HTTP target. Each
// failure message is the rule, so a client reads `target.tls.ca must be PEM text ...`.
import * as t from 'io-ts';
import { Host } from '../tunnel/link-fields.js';

/** A codec of values `guard` accepts; `rule` completes "<field> ..." in error messages. */
export function ruled<A>(name: string, rule: string, guard: (u: unknown) => u is A): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(name, guard, (u, c) => (guard(u) ? t.success(u) : t.failure(u, c, rule)), t.identity);
}

export const maxCaPemLength = 65_536;
const pemCertificate = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/;

/** One or more CA certificates in PEM: public material, so it may be stored in events. */
export const CaPem = ruled(
  'CaPem',
  `must be PEM text holding at least one -----BEGIN CERTIFICATE----- block, at most ${maxCaPemLength} characters`,
  (u): u is string => typeof u === 'string' && u.length <= maxCaPemLength && pemCertificate.test(u),
);

/**
 * TLS from the hub (or the device side) to the target. `verify` (default true) checks the
 * certificate chain and the name; `ca` replaces the system's trusted roots with a private CA;
 * `servername` is the name checked and sent as SNI (default: the target address).
 */
export const TargetTls = t.exact(t.partial({ verify: t.boolean, ca: CaPem, servername: Host }), 'an object {verify?, ca?, servername?}');
export type TargetTls = t.TypeOf<typeof TargetTls>;

const origin = /^https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::[0-9]{1,5})?$|^https?:\/\/\[[0-9a-fA-F:.]+\](?::[0-9]{1,5})?$/;

/** A source allowed to frame an HTTP target: an origin (`https://dash.example.com`), `'self'` or `*`. */
export const FrameAncestor = ruled(
  'FrameAncestor',
  "must be an origin such as https://dashboard.example.com[:port], 'self' or *",
  (u): u is string => typeof u === 'string' && (u === "'self'" || u === '*' || origin.test(u)),
);

export const maxFrameAncestors = 16;
export const FrameAncestors = ruled(
  'FrameAncestors',
  `must be a list of 1 to ${maxFrameAncestors} origins such as https://dashboard.example.com, 'self' or *`,
  (u): u is string[] => Array.isArray(u) && u.length >= 1 && u.length <= maxFrameAncestors && u.every((item) => FrameAncestor.is(item)),
);

const isText = (min: number, max: number) => (u: unknown): u is string => typeof u === 'string' && u.trim().length >= min && u.length <= max;
export const DisplayName = ruled('DisplayName', 'must be text of 1 to 200 characters, not blank', isText(1, 200));
export const Description = ruled('Description', 'must be text of at most 2000 characters', isText(0, 2000));

/** An idle timeout of a UDP flow, in ms: 1 s to 1 day. */
export const FlowTimeoutMs = ruled(
  'FlowTimeoutMs',
  'must be a whole number of milliseconds from 1000 to 86400000',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1000 && u <= 86_400_000,
);
