// A device as update and backup jobs see it: a real `ws` client speaking the gateway protocol
// and the job contract (notes/jobs-contract.md) as the agent does. It redeems a provisioning
// code, keeps its device password, and answers update and backup requests after a delay of the
// test's choosing; after a successful update it records the new version, answers, closes and
// reconnects at once, so its next hello reports the version. Any other close: it reconnects.
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import { decodeMessage } from '../../domain/gateway/frame.js';
import { HubMessage } from '../../domain/gateway/hub-messages.js';
import type { HubMessage as HubMessageType } from '../../domain/gateway/hub-messages.js';
import type { BackupMessage, UpdateMessage } from '../../domain/gateway/job-messages.js';

export type UpdateOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string } | { readonly silent: true };

export interface SimulatedAgentOptions {
  url: string;
  readonly mac: string;
  readonly code?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly apps?: readonly { readonly name: string; readonly version: string }[];
  readonly categories?: readonly string[];
  /** How long an update takes, in real ms; default 0. */
  readonly installMs?: number;
  /** What an update ends with; default success. `silent`: never answers. A promise holds the update back until it settles. */
  readonly outcome?: (message: UpdateMessage) => UpdateOutcome | Promise<UpdateOutcome>;
  /** Answers a backup request; default: no answer. */
  readonly onBackup?: (message: BackupMessage) => Promise<{ readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly error: string }>;
}

export class SimulatedAgent {
  firmware: string;
  apps: { name: string; version: string }[];
  /** Every update request received, in order. */
  readonly updates: UpdateMessage[] = [];
  readonly backups: BackupMessage[] = [];
  /** Every message of the hub, in order. */
  readonly received: HubMessageType[] = [];
  private password: string | undefined;
  private socket: WebSocket | undefined;
  private stopped = false;
  private welcomed = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly options: SimulatedAgentOptions) {
    this.firmware = options.firmware ?? '1.0';
    this.apps = (options.apps ?? []).map((app) => ({ ...app }));
    this.connect();
  }

  get mac(): string {
    return this.options.mac;
  }

  /** How many times the hub has welcomed it, in the tenant (once it has a password). */
  get welcomes(): number {
    return this.welcomed;
  }

  get assigned(): boolean {
    return this.password !== undefined;
  }

  /** Resolves once `test` holds, re-checked on every message; fails after `timeoutMs`. */
  async until(test: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`agent ${this.mac}: condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes its connection without stopping: it reconnects, as after a reboot. */
  drop(): void {
    this.socket?.terminate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }

  private wake(): void {
    this.waiters.splice(0).forEach((wake) => wake());
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.options.url, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('open', () => {
      socket.send(
        JSON.stringify({
          type: 'hello',
          mac: this.options.mac,
          model: this.options.model ?? 'IP232',
          firmware: this.firmware,
          apps: this.apps,
          categories: this.options.categories ?? ['phones'],
          agentVersion: 'simulated',
          ...(this.password === undefined ? {} : { password: this.password }),
          ...(this.password === undefined && this.options.code !== undefined ? { code: this.options.code } : {}),
        }),
      );
    });
    socket.on('message', (data) => this.receive(socket, String(data)));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket === socket) setTimeout(() => this.connect(), 20);
    });
  }

  private receive(socket: WebSocket, text: string): void {
    const decoded = decodeMessage(HubMessage, text);
    if (isLeft(decoded)) throw decoded.left;
    const message = decoded.right;
    this.received.push(message);
    switch (message.type) {
      case 'device-password':
        this.password = message.password;
        break;
      case 'welcome':
        if (message.state === 'assigned') this.welcomed += 1;
        break;
      case 'update':
        this.updates.push(message);
        this.update(socket, message);
        break;
      case 'backup':
        this.backups.push(message);
        void this.options.onBackup?.(message).then((result) => {
          this.socket?.send(JSON.stringify({ type: 'backup-result', jobId: message.jobId, ...result }));
          this.wake();
        });
        break;
      default:
        break;
    }
    this.wake();
  }

  private update(socket: WebSocket, message: UpdateMessage): void {
    const success: UpdateOutcome = { ok: true };
    void Promise.resolve(this.options.outcome?.(message) ?? success).then((outcome) => this.install(socket, message, outcome));
  }

  private install(socket: WebSocket, message: UpdateMessage, outcome: UpdateOutcome): void {
    setTimeout(() => {
      if ('silent' in outcome) return;
      const open = socket.readyState === WebSocket.OPEN;
      if (!outcome.ok) {
        if (open) socket.send(JSON.stringify({ type: 'update-result', jobId: message.jobId, ok: false, error: outcome.error }));
        return;
      }
      // Installed whether or not the answer can go out: the next hello tells.
      const { target } = message;
      if (target.kind === 'firmware') this.firmware = target.version;
      else this.apps = this.apps.map((app) => (app.name === target.name ? { ...app, version: target.version } : app));
      this.wake();
      if (!open) return;
      socket.send(JSON.stringify({ type: 'update-result', jobId: message.jobId, ok: true }));
      // As a device after installing: away and back at once, with the new version in its hello.
      socket.close();
    }, this.options.installMs ?? 0);
  }
}
