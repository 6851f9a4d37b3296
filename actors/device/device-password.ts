// Device passwords are 256 random bits made by the hub: no dictionary or table reaches them,
// so a stretched hash (scrypt) would add nothing but cost. They are kept as a plain SHA-256,
// as tokens are (DESIGN.md), and checked in microseconds: a hub restart is a storm of
// thousands of hellos, each presenting one. Hashes stored before were a light scrypt; they
// still verify.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifySecret } from '../secrets/secret-hash.js';

const scheme = 'sha256$';

export interface NewDevicePassword {
  /** Goes to the device once, over its control connection; never stored. */
  readonly password: string;
  readonly passwordHash: string;
}

const digestOf = (password: string): Buffer => createHash('sha256').update(password, 'utf8').digest();

export function newDevicePassword(): NewDevicePassword {
  const password = randomBytes(32).toString('base64url');
  return { password, passwordHash: `${scheme}${digestOf(password).toString('hex')}` };
}

/** True when `password` is the one `passwordHash` was made from; false for a malformed hash. */
export async function verifyDevicePassword(password: string, passwordHash: string): Promise<boolean> {
  if (!passwordHash.startsWith(scheme)) return verifySecret(password, passwordHash);
  const stored = Buffer.from(passwordHash.slice(scheme.length), 'hex');
  const given = digestOf(password);
  return stored.length === given.length && timingSafeEqual(stored, given);
}
