// The key that signs bearer tokens. Without TETHER_TOKEN_SECRET it is generated once into
// <data>/token-secret (mode 0600), so every hub on that data directory accepts the others' tokens.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TetherError } from '../domain/errors.js';
import { loadOrCreateSecretFile } from './secret-file.js';

export const minTokenSecretLength = 32;

export function assertTokenSecret(secret: string, source: string): string {
  if (secret.length < minTokenSecretLength) {
    throw new TetherError('invalid_configuration', `${source} must be at least ${minTokenSecretLength} characters`, [source]);
  }
  return secret;
}

export const loadOrCreateTokenSecret = (dataDir: string): Promise<string> =>
  loadOrCreateSecretFile(join(dataDir, 'token-secret'), () => randomBytes(48).toString('base64url'), assertTokenSecret);
