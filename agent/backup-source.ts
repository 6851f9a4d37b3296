// What a backup stores: the stdout of the owner's --on-backup hook, else the --config file.
import { readFile } from 'node:fs/promises';
import { TetherError } from '../domain/errors.js';
import { runHook } from './hook-process.js';

export interface BackupSource {
  readonly onBackup?: string;
  readonly configFile?: string;
  readonly hookTimeoutMs?: number;
}

const defaultHookTimeoutMs = 5 * 60_000;

export async function readBackup(source: BackupSource): Promise<Buffer> {
  if (source.onBackup !== undefined) {
    const { stdout } = await runHook('backup hook', source.onBackup, {
      captureStdout: true,
      timeoutMs: source.hookTimeoutMs ?? defaultHookTimeoutMs,
    });
    return stdout;
  }
  if (source.configFile !== undefined) {
    try {
      return await readFile(source.configFile);
    } catch (error) {
      throw new TetherError('unavailable', `cannot read the --config file ${source.configFile}: ${(error as Error).message}`);
    }
  }
  throw new TetherError('invalid_configuration', 'this agent has nothing to back up: it runs without --on-backup and without --config');
}
