// A relay's token: generated once and kept in its token file, so that it is the same after
// every restart (the seed's GAS 6.9.0 behaviour): the hub trusts the first token a name
// registers with, and only that one after.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TetherError } from '../domain/errors.js';

const tokenPattern = /^[A-Za-z0-9_-]{22,256}$/;

export interface RelayToken {
  readonly token: string;
  /** True when this start generated it (the file did not exist). */
  readonly created: boolean;
}

/** The token in `file`, or a new one written there (mode 0600). */
export function loadOrCreateRelayToken(file: string): RelayToken {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new TetherError('invalid_configuration', `--token-file: cannot read ${file}: ${(error as Error).message}`, ['token-file']);
    }
  }
  if (text !== undefined) {
    if (!tokenPattern.test(text)) {
      throw new TetherError('invalid_configuration', `--token-file: ${file} does not hold a relay token (22 to 256 base64url characters)`, ['token-file']);
    }
    return { token: text, created: false };
  }
  const token = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (error) {
    throw new TetherError('invalid_configuration', `--token-file: cannot write ${file}: ${(error as Error).message}`, ['token-file']);
  }
  return { token, created: true };
}
