// The key that signs bearer tokens. Without TETHER_TOKEN_SECRET it is generated once into
// <data>/token-secret (mode 0600), so every hub on that data directory accepts the others' tokens.
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TetherError } from '../domain/errors.js';

export const minTokenSecretLength = 32;

export function assertTokenSecret(secret: string, source: string): string {
  if (secret.length < minTokenSecretLength) {
    throw new TetherError('invalid_configuration', `${source} must be at least ${minTokenSecretLength} characters`, [source]);
  }
  return secret;
}

const isErrno = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

export async function loadOrCreateTokenSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'token-secret');
  try {
    return assertTokenSecret((await readFile(file, 'utf8')).trim(), file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  // Written aside, then linked into place: link() fails if another hub got there first,
  // and a reader never sees a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  } finally {
    await unlink(draft);
  }
  return assertTokenSecret((await readFile(file, 'utf8')).trim(), file);
}
