// The fields of a DeviceLink as io-ts codecs. Each one is strict about types (a port "22"
// in quotes is refused, never coerced), and its failure message is the rule it enforces,
// so a client reads `encrypt.key must be 64 hex characters (32 bytes, AES-256)`.
import * as t from 'io-ts';
import { isHost } from './address.js';

/** A codec of values `guard` accepts; `rule` completes "<field> ..." in error messages. */
function ruled<A>(name: string, rule: string, guard: (u: unknown) => u is A): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(name, guard, (u, c) => (guard(u) ? t.success(u) : t.failure(u, c, rule)), t.identity);
}

const isWhole = (u: unknown, min: number, max: number): u is number =>
  typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max;

export const Port = ruled('Port', 'must be a whole number from 1 to 65535', (u): u is number => isWhole(u, 1, 65535));

/** Node's timers hold at most 2^31-1 ms; a longer delay would fire at once. */
export const maxTimeoutMs = 2_147_483_647;
export const TimeoutMs = ruled(
  'TimeoutMs',
  `must be a whole number of milliseconds from 1 to ${maxTimeoutMs}`,
  (u): u is number => isWhole(u, 1, maxTimeoutMs),
);

export type LinkProtocol = 'tcp' | 'udp';
export const LinkProtocol = ruled('LinkProtocol', 'must be "tcp" or "udp"', (u): u is LinkProtocol => u === 'tcp' || u === 'udp');

export const Host = ruled(
  'Host',
  'must be an IPv4 address, an IPv6 address (without brackets) or a host name',
  (u): u is string => typeof u === 'string' && isHost(u),
);

export const keyHexLength = 64;
export const ivHexLength = 32;
const hexOf = (length: number) => (u: unknown): u is string =>
  typeof u === 'string' && u.length === length && /^[0-9a-fA-F]*$/.test(u);

export const KeyHex = ruled('KeyHex', 'must be 64 hex characters (32 bytes, AES-256)', hexOf(keyHexLength));
export const IvHex = ruled('IvHex', 'must be 32 hex characters (16 bytes)', hexOf(ivHexLength));

/** Only a client from this address may use the link (see docs/devicelink.md, "Source pinning"). */
export const LinkSource = t.exact(t.type({ host: Host, port: Port }), 'an object {host, port}');
export type LinkSource = t.TypeOf<typeof LinkSource>;

/** AES-256-CTR key and IV, in hex. Never stored: only the fact that a link is encrypted is. */
export const LinkEncryption = t.exact(t.type({ key: KeyHex, initializationVector: IvHex }), 'an object {key, initializationVector}');
export type LinkEncryption = t.TypeOf<typeof LinkEncryption>;

const counter = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0;
/** A byte count: exact up to 2^53, i.e. 8 PiB per link. */
export const ByteCount = ruled('ByteCount', 'must be a whole number of bytes, 0 or more', counter);
