// The key that seals secrets the hub must give back later (tenant passwords it deploys).
// It is kept out of the event store: TETHER_SEAL_KEY (64 hex digits) or, without it,
// <data>/seal-key generated once (mode 0600), so every hub on that data directory shares it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sealKeyBytes } from '../actors/secrets/secret-seal.js';
import { TetherError } from '../domain/errors.js';
import { loadOrCreateSecretFile } from './secret-file.js';

const hexKey = new RegExp(`^[0-9a-fA-F]{${sealKeyBytes * 2}}$`);

export function parseSealKey(hex: string, source: string): Buffer {
  if (!hexKey.test(hex)) {
    throw new TetherError('invalid_configuration', `${source} must be ${sealKeyBytes * 2} hex digits`, [source]);
  }
  return Buffer.from(hex, 'hex');
}

export const loadOrCreateSealKey = (dataDir: string): Promise<Buffer> =>
  loadOrCreateSecretFile(join(dataDir, 'seal-key'), () => randomBytes(sealKeyBytes).toString('hex'), parseSealKey);
