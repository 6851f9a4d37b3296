// The key that seals secrets the hub must give back later (tenant passwords it deploys).
// It is kept out of the event store: TETHER_SEAL_KEY (64 hex digits) or, without it,
// <data>/seal-key generated once (mode 0600), so every hub on that data directory shares it.
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sealKeyBytes } from '../actors/secret-seal.js';
import { TetherError } from '../domain/errors.js';

const hexKey = new RegExp(`^[0-9a-fA-F]{${sealKeyBytes * 2}}$`);

export function parseSealKey(hex: string, source: string): Buffer {
  if (!hexKey.test(hex)) {
    throw new TetherError('invalid_configuration', `${source} must be ${sealKeyBytes * 2} hex digits`, [source]);
  }
  return Buffer.from(hex, 'hex');
}

const isErrno = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

export async function loadOrCreateSealKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'seal-key');
  try {
    return parseSealKey((await readFile(file, 'utf8')).trim(), file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  // Written aside, then linked into place: link() fails if another hub got there first,
  // and a reader never sees a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, `${randomBytes(sealKeyBytes).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  } finally {
    await unlink(draft);
  }
  return parseSealKey((await readFile(file, 'utf8')).trim(), file);
}
