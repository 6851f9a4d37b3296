// The tenant password the hub sends is handed to the --on-password hook, one run at a time;
// a hook that fails is reported to the hub, never with the password.
import type { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import type { encodeMessage } from '../domain/gateway/frame.js';
import type { AgentEvents } from './agent-options.js';
import { runPasswordHook } from './password-hook.js';

export interface TenantPasswordHook {
  deploy(ws: WebSocket, tenantPassword: string): void;
  /** Resolves when every run started so far has ended. */
  idle(): Promise<unknown>;
}

export function tenantPasswordHook(
  hook: string | undefined,
  log: (line: string) => void,
  send: (ws: WebSocket, message: Parameters<typeof encodeMessage>[0]) => void,
  events: EventEmitter<AgentEvents>,
): TenantPasswordHook {
  let runs: Promise<unknown> = Promise.resolve();
  return {
    deploy(ws, tenantPassword) {
      if (hook === undefined) {
        log('tenant password received; no --on-password hook, nothing to do');
        events.emit('tenant-password', undefined);
        return;
      }
      runs = runs.then(async () => {
        log('tenant password received; running the --on-password hook');
        try {
          const result = await runPasswordHook(hook, tenantPassword);
          const outcome = result.signal === null ? `exit code ${String(result.exitCode)}` : `signal ${result.signal}`;
          log(`password hook finished with ${outcome}`);
          if (result.exitCode !== 0) send(ws, { type: 'error-report', message: `password hook finished with ${outcome}` });
          events.emit('tenant-password', result);
        } catch (error) {
          log(`password hook could not run: ${(error as Error).message}`);
          send(ws, { type: 'error-report', message: `password hook could not run: ${(error as Error).message}` });
        }
      });
    },
    idle: () => runs,
  };
}
