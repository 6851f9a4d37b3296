// A device as the gateway sees it: a real `ws` client on 127.0.0.1 that sends what a test
// says and hands back the hub's messages in order, and waiting on stored events.
import type { AddressInfo } from 'node:net';
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import type { Hello } from '../../domain/gateway/agent-messages.js';
import { decodeMessage } from '../../domain/gateway/frame.js';
import { HubMessage } from '../../domain/gateway/hub-messages.js';
import type { HubMessage as HubMessageType } from '../../domain/gateway/hub-messages.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import type { Hub } from '../../api/hub.js';

const waitMs = 5000;

export async function listen(hub: Hub): Promise<string> {
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  return `ws://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}/gateway`;
}

export function hello(mac: string, extra: Partial<Hello> = {}): Record<string, unknown> {
  return { type: 'hello', mac, model: 'IP232', firmware: '13r1', apps: [{ name: 'devices', version: '13r1' }], categories: ['phones'], agentVersion: 'test', ...extra };
}

export class DeviceClient {
  private readonly messages: HubMessageType[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('the hub sent a binary frame');
      const decoded = decodeMessage(HubMessage, String(data));
      if (isLeft(decoded)) throw decoded.left;
      this.messages.push(decoded.right);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string, options: WebSocket.ClientOptions = {}): Promise<DeviceClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false, ...options });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new DeviceClient(socket);
  }

  /** Opens a connection and says hello. */
  static async hello(url: string, mac: string, extra: Partial<Hello> = {}): Promise<DeviceClient> {
    const client = await DeviceClient.open(url);
    client.send(hello(mac, extra));
    return client;
  }

  send(message: object | string | Buffer): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** The hub's next message, whatever it is. */
  async next(): Promise<HubMessageType> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const message = this.messages.shift();
      if (message !== undefined) return message;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message from the hub within ${waitMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next message, which must be of this type. */
  async expect<T extends HubMessageType['type']>(type: T): Promise<Extract<HubMessageType, { type: T }>> {
    const message = await this.next();
    if (message.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(message)}`);
    return message as Extract<HubMessageType, { type: T }>;
  }

  /** Every message received and not yet taken. */
  pending(): readonly HubMessageType[] {
    return [...this.messages];
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }
}

/** The first stored event of the stream (or of any stream of the category) that matches, waiting for it to be appended. */
export async function storedEvent(
  store: EventStore,
  stream: string | { readonly category: string },
  matches: (event: RecordedEvent) => boolean,
  timeoutMs = waitMs,
): Promise<RecordedEvent> {
  const prefix = typeof stream === 'string' ? stream : `${stream.category}-`;
  const inStream = (event: RecordedEvent): boolean => typeof stream !== 'string' || event.stream === stream;
  const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const event of subscription) if (inStream(event) && matches(event)) return event;
    throw new Error(`no matching event in ${prefix} within ${timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
}

export async function typesOf(store: EventStore, stream: string): Promise<string[]> {
  return (await store.readStream(stream)).map((event) => event.type);
}
