// Restores on this node: the hub asks a connected device to GET a backup and hand it to its
// --on-restore hook, and waits (by the clock) for its answer. Nothing is stored: a restore is a
// request to a device, and its credentials pass through without being written anywhere.
import { randomUUID } from 'node:crypto';
import { formatMac } from '../domain/device/mac.js';
import type { Mac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import type { RestoreResult, WebdavAuth } from '../domain/gateway/job-messages.js';
import type { Clock, TimerHandle } from '../domain/ports/clock.js';
import type { JobChannel } from './job-pool.js';

export interface RestoreRequestsOptions {
  readonly channel: JobChannel;
  readonly clock: Clock;
  /** How long a device has to answer; default 5 minutes. */
  readonly timeoutMs?: number;
}

interface Waiting {
  readonly mac: Mac;
  readonly timer: TimerHandle;
  resolve(): void;
  reject(error: TetherError): void;
}

export class RestoreRequests {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly options: RestoreRequestsOptions) {}

  /**
   * Resolves with the request id once the device restored the file. Throws device_offline (not
   * connected here), device_failed (the device's own error text) or timeout.
   */
  restore(mac: Mac, url: string, auth: WebdavAuth): Promise<string> {
    const requestId = randomUUID();
    const timeoutMs = this.options.timeoutMs ?? 300_000;
    return new Promise<string>((resolve, reject) => {
      const timer = this.options.clock.at(new Date(this.options.clock.now().getTime() + timeoutMs), () => {
        this.waiting.delete(requestId);
        reject(new TetherError('timeout', `device ${formatMac(mac)} did not answer the restore within ${timeoutMs} ms`));
      });
      this.waiting.set(requestId, { mac, timer, resolve: () => resolve(requestId), reject });
      if (!this.options.channel.send(mac, { type: 'restore', requestId, url, auth })) {
        this.settle(requestId, new TetherError('device_offline', `device ${formatMac(mac)} is not connected to this hub`));
      }
    });
  }

  /** The device's answer; one from another device, or for no request waiting, is ignored. */
  result(mac: Mac, message: RestoreResult): void {
    if (this.waiting.get(message.requestId)?.mac !== mac) return;
    const failure = message.ok ? undefined : new TetherError('device_failed', `the device could not restore: ${message.error ?? 'no reason given'}`);
    this.settle(message.requestId, failure);
  }

  /** Fails whatever still waits; call at shutdown. */
  stop(): void {
    for (const requestId of [...this.waiting.keys()]) this.settle(requestId, new TetherError('unavailable', 'the hub is shutting down'));
  }

  private settle(requestId: string, failure: TetherError | undefined): void {
    const waiting = this.waiting.get(requestId);
    if (waiting === undefined) return;
    this.waiting.delete(requestId);
    waiting.timer.cancel();
    if (failure === undefined) waiting.resolve();
    else waiting.reject(failure);
  }
}
