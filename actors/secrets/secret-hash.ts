// The passwords and tokens hashed here are stored as scrypt hashes only: `scrypt$N$r$p$saltB64$hashB64`
// (device passwords, random and long, are SHA-256 instead: device-password.ts).
// The parameters travel with each hash, so they can be raised later without breaking old ones.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const defaultScryptParameters: ScryptParameters = { N: 16384, r: 8, p: 1 };

const saltBytes = 16;
const keyBytes = 32;
// Stored hashes are ours, but a tampered one must not make a login allocate gigabytes.
const maxN = 1 << 20;
const maxRP = 32;

function derive(secret: string, salt: Buffer, params: ScryptParameters, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashSecret(secret: string, params: ScryptParameters = defaultScryptParameters): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await derive(secret, salt, params, keyBytes);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Parsed {
  readonly params: ScryptParameters;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parse(encoded: string): Parsed | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[1-9][0-9]{0,9}$/.test(part) ? Number(part) : NaN));
  if (N === undefined || r === undefined || p === undefined) return undefined;
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > maxN || !(r >= 1 && r <= maxRP) || !(p >= 1 && p <= maxRP)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || key.length === 0) return undefined;
  return { params: { N, r, p }, salt, key };
}

/** True when `secret` matches `encoded`; false for a wrong secret or a malformed hash. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const key = await derive(secret, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}
