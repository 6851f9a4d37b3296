// The tenant password goes to a command of the device owner's choosing (it may set an
// admin password, rewrite a config...), on stdin so it never shows in a process list.
import { spawn } from 'node:child_process';

export interface HookResult {
  /** Exit code, or null when the hook was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

const hookTimeoutMs = 60_000;

/** Runs `command` through the shell with the password and a newline on stdin. */
export function runPasswordHook(command: string, password: string): Promise<HookResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), hookTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal });
    });
    // A hook that does not read its stdin is not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${password}\n`);
  });
}
