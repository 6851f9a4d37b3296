// A secret kept beside the data, outside the event store: read it if it is there, else
// generate it once (mode 0600). Every hub on the data directory ends up with the same one.
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';

const isErrno = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

/** `parse` validates the file's text (trimmed), naming the file as its source in errors. */
export async function loadOrCreateSecretFile<T>(
  file: string,
  generate: () => string,
  parse: (text: string, source: string) => T,
): Promise<T> {
  try {
    return parse((await readFile(file, 'utf8')).trim(), file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  // Written aside, then linked into place: link() fails if another hub got there first,
  // and a reader never sees a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  } finally {
    await unlink(draft);
  }
  return parse((await readFile(file, 'utf8')).trim(), file);
}
