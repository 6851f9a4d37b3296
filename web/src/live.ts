// The console's one /dashboard connection. It subscribes explicitly to every model, keeps the
// items it is told of (live-items.ts) and the position it is up to date with; after a
// dropped socket it subscribes again with `after` that position, so it hears exactly the
// changes it missed (or a fresh snapshot, if the hub no longer keeps them).
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { tokenRefused } from './api.js';
import { LiveItems, models } from './live-items.js';
import type { Change, Model, Snapshot } from './live-items.js';
import type { Session } from './session.js';

type Ack = { readonly ok: true; readonly position: number; readonly resumed: boolean } | { readonly ok: false; readonly error: { readonly message: string } };

export type LiveStatus = 'connecting' | 'live' | 'offline' | 'refused';

const changeEvents: Readonly<Record<string, Model>> = {
  'tenant.changed': 'tenants',
  'device.changed': 'devices',
  'session.changed': 'sessions',
  'job.progress': 'jobs',
  'relay.changed': 'relays',
};

export class LiveModels {
  private readonly socket: Socket;
  private readonly items = new LiveItems();
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  status: LiveStatus = 'connecting';
  /** Bumped on every applied change: views compare it to know when to read again. */
  version = 0;

  constructor(session: Session) {
    this.socket = io('/dashboard', {
      auth: { token: session.token },
      transports: ['websocket'],
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
    });
    this.socket.on('connect', () => this.subscribe());
    this.socket.on('disconnect', () => this.setStatus('offline'));
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      // A refused token does not get better by retrying: the console signs out.
      if (error.data?.code === 'unauthenticated') {
        this.socket.close();
        tokenRefused.dispatchEvent(new Event('refused'));
      }
      this.setStatus('offline');
    });
    this.socket.on('snapshot', (snapshot: Snapshot) => this.applySnapshot(snapshot));
    for (const [event, model] of Object.entries(changeEvents)) {
      this.socket.on(event, (change: Change) => this.applyChange(model, change));
    }
  }

  all<T>(model: Model): readonly T[] {
    return this.items.all<T>(model);
  }

  get<T>(model: Model, key: string): T | undefined {
    return this.items.get<T>(model, key);
  }

  /** Calls back at most once per frame after changes. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.socket.close();
    this.listeners.clear();
  }

  private subscribe(): void {
    this.setStatus('connecting');
    const { position } = this.items;
    const request = { models, ...(position === undefined ? {} : { after: position }) };
    this.socket.emit('subscribe', request, (ack: Ack) => {
      if (!ack.ok) return this.setStatus('refused');
      this.items.reached(ack.position);
      this.setStatus('live');
    });
  }

  private applySnapshot(snapshot: Snapshot): void {
    this.items.applySnapshot(snapshot);
    this.changed();
  }

  private applyChange(model: Model, change: Change): void {
    this.items.applyChange(model, change);
    this.changed();
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    this.changed();
  }

  private changed(): void {
    this.version += 1;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}
