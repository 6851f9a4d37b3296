// An operator running the built CLI against a `tether serve`, with the hub and token from the
// environment (no login file), and the hub's API called directly to set up and check.
import { join } from 'node:path';
import { runCli } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';

export interface CliResult {
  readonly code: number | NodeJS.Signals;
  readonly stdout: string;
  readonly stderr: string;
}

export const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

export class Operator {
  /** Every command started, to be killed if a test leaves one running. */
  readonly started: TetherProcess[] = [];

  /** `dir`: a directory without a login file in it. */
  constructor(
    private readonly hub: TetherProcess,
    private readonly dir: string,
    private readonly token: string,
  ) {}

  env(token = this.token): NodeJS.ProcessEnv {
    return { TETHER_CONFIG: join(this.dir, 'none.json'), TETHER_HUB: this.hub.baseUrl, TETHER_TOKEN: token, TETHER_CA: '' };
  }

  start(args: readonly string[], token?: string): TetherProcess {
    const process = runCli(args, this.env(token));
    this.started.push(process);
    return process;
  }

  /** Runs a command to its end; `stdin`, when given, is what it reads. */
  async run(args: readonly string[], options: { readonly token?: string; readonly stdin?: string } = {}): Promise<CliResult> {
    const process = this.start(args, options.token);
    if (options.stdin !== undefined) process.child.stdin.end(options.stdin);
    const code = await process.exited;
    return { code, stdout: process.stdout(), stderr: process.stderr() };
  }

  api(path: string, init: { method?: string; body?: object } = {}): Promise<Response> {
    return fetch(`${this.hub.baseUrl}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${this.token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

  /** Kills what is still running. */
  killAll(): void {
    for (const process of this.started) {
      if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
    }
  }
}
