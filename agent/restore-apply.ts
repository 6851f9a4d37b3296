// A restored configuration goes to the owner's --on-restore hook on stdin; without one, and with
// a --config file, it replaces that file (atomically: a crash leaves the old or the new one).
import { renameSync, statSync, writeFileSync } from 'node:fs';
import { TetherError } from '../domain/errors.js';
import { runHook } from './hook-process.js';

export interface RestoreTarget {
  readonly onRestore?: string;
  readonly configFile?: string;
  readonly hookTimeoutMs?: number;
}

const defaultHookTimeoutMs = 5 * 60_000;

export async function applyRestore(content: Buffer, target: RestoreTarget): Promise<void> {
  if (target.onRestore !== undefined) {
    await runHook('restore hook', target.onRestore, { stdin: content, timeoutMs: target.hookTimeoutMs ?? defaultHookTimeoutMs });
    return;
  }
  if (target.configFile !== undefined) {
    const temporary = `${target.configFile}.${process.pid}.restore`;
    try {
      const mode = statSync(target.configFile, { throwIfNoEntry: false })?.mode ?? 0o600;
      writeFileSync(temporary, content, { mode: mode & 0o777 });
      renameSync(temporary, target.configFile);
    } catch (error) {
      throw new TetherError('unavailable', `cannot write the --config file ${target.configFile}: ${(error as Error).message}`);
    }
    return;
  }
  throw new TetherError('invalid_configuration', 'this agent cannot restore: it runs without --on-restore and without --config');
}
