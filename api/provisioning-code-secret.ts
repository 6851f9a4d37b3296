// Provisioning codes are typed by people into devices: short, grouped, from an alphabet
// without look-alikes (no 0/O, 1/I/L). Only the hash (codeId) is ever stored.
import { createHash, randomInt } from 'node:crypto';
import { normalizeProvisioningCode } from '../domain/provisioning/code-id.js';

const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const groups = 3;
const groupLength = 4;

/** E.g. `7KQM-X3RD-PH9T`: 12 symbols of 31, about 59 bits. */
export function generateProvisioningCode(): string {
  const group = (): string => Array.from({ length: groupLength }, () => alphabet.charAt(randomInt(alphabet.length))).join('');
  return Array.from({ length: groups }, group).join('-');
}

/** The first 32 hex digits of SHA-256 over the normalized code (see domain/provisioning/code-id.ts). */
export const provisioningCodeId = (code: string): string =>
  createHash('sha256').update(normalizeProvisioningCode(code)).digest('hex').slice(0, 32);
