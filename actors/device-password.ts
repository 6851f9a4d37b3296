// Device passwords are 256 random bits: no dictionary reaches them, so their scrypt hash uses
// a light cost. That keeps a reconnect storm of thousands of devices within seconds, where
// the default cost (made for passwords people choose) would take minutes.
import { randomBytes } from 'node:crypto';
import { hashSecret, verifySecret } from './secret-hash.js';
import type { ScryptParameters } from './secret-hash.js';

export const devicePasswordScrypt: ScryptParameters = { N: 1024, r: 8, p: 1 };

export interface NewDevicePassword {
  /** Goes to the device once, over its control connection; never stored. */
  readonly password: string;
  readonly passwordHash: string;
}

export async function newDevicePassword(): Promise<NewDevicePassword> {
  const password = randomBytes(32).toString('base64url');
  return { password, passwordHash: await hashSecret(password, devicePasswordScrypt) };
}

export const verifyDevicePassword = (password: string, passwordHash: string): Promise<boolean> => verifySecret(password, passwordHash);
