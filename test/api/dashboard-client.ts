// A real socket.io client of /dashboard for tests: records every message it receives, in
// arrival order, and waits on them with a deadline (never a sleep).
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { DashboardMessage, SnapshotMessage, SubscribeAck } from '../../api/dashboard.js';

export type Received =
  | { readonly event: 'tenant.changed' | 'device.changed' | 'session.changed' | 'job.progress' | 'relay.changed'; readonly message: DashboardMessage }
  | { readonly event: 'snapshot'; readonly message: SnapshotMessage };

export type ChangeReceived = Extract<Received, { event: 'tenant.changed' | 'device.changed' | 'session.changed' | 'job.progress' | 'relay.changed' }>;

export const isChange = (received: Received): received is ChangeReceived => received.event !== 'snapshot';

export class DashboardClient {
  readonly received: Received[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, message: unknown) => {
      if (event !== 'tenant.changed' && event !== 'device.changed' && event !== 'session.changed' && event !== 'job.progress' && event !== 'relay.changed' && event !== 'snapshot') {
        throw new Error(`unexpected dashboard event ${event}`);
      }
      this.received.push({ event, message } as Received);
      this.listeners.forEach((listener) => listener());
    });
  }

  /** `url`: the namespace URL, e.g. http://127.0.0.1:1234/dashboard. */
  static async connect(url: string, token: string): Promise<DashboardClient> {
    const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new DashboardClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return client;
  }

  subscribe(request: unknown, timeoutMs = 10_000): Promise<SubscribeAck> {
    return this.socket.timeout(timeoutMs).emitWithAck('subscribe', request) as Promise<SubscribeAck>;
  }

  changes(): ChangeReceived[] {
    return this.received.filter(isChange);
  }

  snapshots(): SnapshotMessage[] {
    return this.received.flatMap((received) => (received.event === 'snapshot' ? [received.message] : []));
  }

  /** The highest position among what it received (changes and snapshots), or `fallback`. */
  lastPosition(fallback: number): number {
    return this.received.reduce((highest, received) => Math.max(highest, received.message.position), fallback);
  }

  /** Resolves with the first message, from index `from` on, that matches. */
  waitFor(what: string, matches: (received: Received) => boolean, from = 0, timeoutMs = 10_000): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.slice(from).find(matches);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(found);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${what}: not received within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.listeners.add(listener);
    });
  }

  /** Resolves once a change at `position` or later arrived. */
  reach(position: number, timeoutMs = 10_000): Promise<Received> {
    return this.waitFor(`a change at position ${position}`, (received) => isChange(received) && received.message.position >= position, 0, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}
