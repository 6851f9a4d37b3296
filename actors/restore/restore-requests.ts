// Restores on this node: the hub records the request (restore-<requestId>), asks the connected
// device to GET the backup and hand it to its --on-restore hook, and records how it ended. The
// credentials pass through to the device without being written anywhere. The deadline is data
// in the request, so a restore whose hub died while waiting still ends, as timed out, after a
// restart.
import { randomUUID } from 'node:crypto';
import { formatMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { RestoreResult } from '../../domain/gateway/job-messages.js';
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';
import { devicePrincipal, systemPrincipal } from '../../domain/principal.js';
import { restoreAggregate } from '../../domain/restore/aggregate.js';
import type { RestoreCommand } from '../../domain/restore/commands.js';
import type { RestoreState } from '../../domain/restore/decide.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { JobChannel } from '../job/job-kind.js';

export interface RestoreRequestsOptions {
  readonly runtime: ActorRuntime;
  readonly channel: JobChannel;
  readonly clock: Clock;
  /** How long a device has to answer; default 5 minutes. */
  readonly timeoutMs?: number;
}

/** What the caller asks for: the device, its tenant if any (the request is recorded as that tenant's), the file and its auth. */
export type RestoreAsked = Omit<Extract<RestoreCommand, { type: 'RequestRestore' }>, 'type' | 'requestId' | 'timeoutMs'>;

interface Waiting {
  readonly mac: Mac;
  readonly timer: TimerHandle;
  resolve(): void;
  reject(error: TetherError): void;
}

type Settlement = Extract<RestoreCommand, { type: 'SettleRestore' }>['outcome'];

function failureOf(mac: Mac, state: RestoreState, timeoutMs: number): TetherError {
  const { cause, error } = state.context;
  switch (cause) {
    case 'device-failed':
      return new TetherError('device_failed', `the device could not restore: ${error ?? 'no reason given'}`);
    case 'device-offline':
      return new TetherError('device_offline', `device ${formatMac(mac)} is not connected to this hub`);
    case 'timeout':
      return new TetherError('timeout', `device ${formatMac(mac)} did not answer the restore within ${timeoutMs} ms`);
    case 'hub-shutdown':
      return new TetherError('unavailable', 'the hub is shutting down');
    case undefined:
      return new TetherError('internal', 'the restore ended without a recorded cause');
  }
}

export class RestoreRequests {
  private readonly waiting = new Map<string, Waiting>();
  /** How long a restore waits for the device. */
  readonly timeoutMs: number;

  constructor(private readonly options: RestoreRequestsOptions) {
    this.timeoutMs = options.timeoutMs ?? 300_000;
  }

  /**
   * Resolves with the request id once the device restored the file. Throws device_offline (not
   * connected here), device_failed (the device's own error text), timeout, or unavailable.
   */
  async restore(asked: RestoreAsked, context: CommandContext): Promise<string> {
    const { mac, url, auth } = asked;
    // Refused before anything is recorded: a device that is not here, or a connection that did
    // not prove the device password (it never sees the credentials).
    const refusal = this.options.channel.refusal(mac);
    if (refusal !== undefined) throw refusal;
    const requestId = randomUUID();
    const command: RestoreCommand = { type: 'RequestRestore', requestId, ...asked, timeoutMs: this.timeoutMs };
    const { state } = await this.options.runtime.execute(restoreAggregate, requestId, command, context);
    const answered = new Promise<string>((resolve, reject) => {
      // The runtime arms the same deadline (restoreDeadlines) and may append the timeout first;
      // this timer is what answers the waiting caller, and its ExpireRestore then changes nothing.
      const timer = this.options.clock.at(new Date(state.context.deadline), () => {
        void this.end(requestId, { type: 'ExpireRestore' }, systemContext(requestId));
      });
      this.waiting.set(requestId, { mac, timer, resolve: () => resolve(requestId), reject });
    });
    if (!this.options.channel.send(mac, { type: 'restore', requestId, url, auth })) {
      await this.end(requestId, settle({ ok: false, cause: 'device-offline' }), context);
    }
    return answered;
  }

  /** The device's answer; one from another device, or for no request waiting, is ignored. */
  async result(mac: Mac, message: RestoreResult): Promise<void> {
    if (this.waiting.get(message.requestId)?.mac !== mac) return;
    const outcome: Settlement = message.ok ? { ok: true } : { ok: false, cause: 'device-failed', ...(message.error === undefined ? {} : { error: message.error }) };
    await this.end(message.requestId, settle(outcome), { principal: devicePrincipal(mac), correlationId: message.requestId });
  }

  /** Ends whatever still waits, recorded as cut short by the shutdown; call before the runtime stops. */
  async stop(): Promise<void> {
    await Promise.all([...this.waiting.keys()].map((requestId) => this.end(requestId, settle({ ok: false, cause: 'hub-shutdown' }), systemContext(requestId))));
  }

  /** Appends the ending, then answers the waiting caller with what the stream now says. */
  private async end(requestId: string, command: RestoreCommand, context: CommandContext): Promise<void> {
    try {
      const { state } = await this.options.runtime.execute(restoreAggregate, requestId, command, context);
      if (!state.matches('requested')) this.answer(requestId, state);
    } catch (error) {
      this.answer(requestId, error instanceof TetherError ? error : new TetherError('internal', `restore ${requestId} could not be recorded`));
    }
  }

  private answer(requestId: string, ending: RestoreState | TetherError): void {
    const waiting = this.waiting.get(requestId);
    if (waiting === undefined) return;
    this.waiting.delete(requestId);
    waiting.timer.cancel();
    if (ending instanceof TetherError) waiting.reject(ending);
    else if (ending.matches('succeeded')) waiting.resolve();
    else waiting.reject(failureOf(waiting.mac, ending, this.timeoutMs));
  }
}

const settle = (outcome: Settlement): RestoreCommand => ({ type: 'SettleRestore', outcome });
const systemContext = (requestId: string): CommandContext => ({ principal: systemPrincipal, correlationId: requestId });
