// The MAC address is a device's identity. It is accepted in the three spellings devices
// and people use, and kept in one canonical form so that one device has one stream.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { TetherError } from '../errors.js';

interface MacBrand {
  readonly Mac: unique symbol;
}
/** 12 lowercase hex digits, e.g. `001122aabbcc`: the id of stream `device-<mac>`. */
export type Mac = t.Branded<string, MacBrand>;

const canonical = /^[0-9a-f]{12}$/;
const colons = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
const dashes = /^[0-9a-f]{2}(?:-[0-9a-f]{2}){5}$/i;
const bare = /^[0-9a-f]{12}$/i;

export const acceptedMacForms = '00:11:22:AA:BB:CC, 00-11-22-AA-BB-CC or 001122AABBCC (hex digits in any case)';

export const isMac = (value: unknown): value is Mac => typeof value === 'string' && canonical.test(value);

function describe(input: unknown): string {
  if (typeof input !== 'string') return `a ${input === null ? 'null' : typeof input}`;
  return input.length > 40 ? `${JSON.stringify(input.slice(0, 40))}…` : JSON.stringify(input);
}

export function decodeMac(input: unknown): Either<TetherError, Mac> {
  if (typeof input === 'string') {
    if (colons.test(input) || dashes.test(input) || bare.test(input)) {
      const mac = input.replace(/[:-]/g, '').toLowerCase();
      if (isMac(mac)) return right(mac);
    }
  }
  return left(new TetherError('validation_failed', `${describe(input)} is not a MAC address: write it as ${acceptedMacForms}`, ['mac']));
}

/** The canonical form of a MAC in any accepted spelling; throws validation_failed otherwise. */
export function parseMac(input: unknown): Mac {
  const decoded = decodeMac(input);
  if (isLeft(decoded)) throw decoded.left;
  return decoded.right;
}

/**
 * The MAC a request names in its path parameter `name`: the one reading of it for every route.
 * A spelling that is no MAC is validation_failed at `params.<name>`.
 */
export function macOf(params: unknown, name = 'mac'): Mac {
  const value = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[name] : undefined;
  const decoded = decodeMac(value);
  if (isLeft(decoded)) throw new TetherError('validation_failed', decoded.left.message, [`params.${name}`]);
  return decoded.right;
}

/**
 * The one form in which a MAC leaves the API (JSON bodies, dashboard payloads, messages):
 * `00:11:22:AA:BB:CC`, the seed's "upper case representation used throughout the API". Takes
 * the canonical form or any accepted spelling, so formatting twice changes nothing.
 */
export const formatMac = (mac: string): string => (mac.replace(/[:-]/g, '').toUpperCase().match(/../g) ?? []).join(':');

/** Decodes any accepted spelling to the canonical form; a failure's message names the accepted forms. */
export const Mac = new t.Type<Mac, string, unknown>(
  'Mac',
  isMac,
  (u, c) => {
    const decoded = decodeMac(u);
    return isLeft(decoded) ? t.failure(u, c, decoded.left.message) : t.success(decoded.right);
  },
  (mac) => mac,
);
