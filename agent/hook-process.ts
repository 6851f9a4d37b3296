// The update, backup and restore hooks are shell commands of the device owner's choosing. Their
// stderr's last lines become the error a person reads in the job, so a failing hook explains itself.
import { spawn } from 'node:child_process';
import { TetherError } from '../domain/errors.js';

export interface HookRun {
  /** Extra environment on top of the agent's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the hook's stdin, then closed; without it stdin is empty. */
  readonly stdin?: Uint8Array;
  /** Collect stdout (up to maxStdoutBytes) instead of passing it through to the agent's. */
  readonly captureStdout?: boolean;
  readonly maxStdoutBytes?: number;
  readonly timeoutMs: number;
}

export interface HookOutcome {
  readonly stdout: Buffer;
}

const stderrTailChars = 500;
const defaultMaxStdoutBytes = 64 * 1024 * 1024;

/** The text of a failed hook: what ended it, then the end of what it said on stderr. */
function hookFailed(label: string, ending: string, stderr: string): TetherError {
  const said = stderr.trim();
  return new TetherError('unavailable', `${label} ${ending}${said === '' ? '' : `: ${said.slice(-stderrTailChars)}`}`);
}

/** Runs `command` through the shell; resolves when it exits 0, rejects with a TetherError for people otherwise. */
export function runHook(label: string, command: string, run: HookRun): Promise<HookOutcome> {
  const maxStdout = run.maxStdoutBytes ?? defaultMaxStdoutBytes;
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      env: { ...process.env, ...run.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let ending: string | undefined;
    const timer = setTimeout(() => {
      ending = `timed out after ${Math.round(run.timeoutMs / 1000)} s`;
      child.kill('SIGKILL');
    }, run.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (run.captureStdout !== true) {
        process.stdout.write(chunk);
        return;
      }
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        ending ??= `wrote more than ${maxStdout} bytes`;
        child.kill('SIGKILL');
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4 * stderrTailChars);
      process.stderr.write(chunk);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(hookFailed(label, `could not run (${error.message})`, ''));
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (ending !== undefined) reject(hookFailed(label, ending, stderr));
      else if (exitCode === 0) resolve({ stdout: Buffer.concat(stdout) });
      else reject(hookFailed(label, signal === null ? `exited with code ${String(exitCode)}` : `was killed by ${signal}`, stderr));
    });
    // A hook that does not read its stdin is not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(run.stdin ?? Buffer.alloc(0));
  });
}
