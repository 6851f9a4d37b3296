// A minimal hub gateway for agent tests: a real WebSocket server on 127.0.0.1 that hands
// each connection to the test, which plays the hub's part message by message.
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isLeft } from 'fp-ts/lib/Either.js';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { AgentMessage } from '../../domain/gateway/agent-messages.js';
import type { AgentMessage as AgentMessageType } from '../../domain/gateway/agent-messages.js';
import { decodeMessage, encodeMessage } from '../../domain/gateway/frame.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';

const waitMs = 5000;

/** Values arriving over time, taken in order; a take that waits too long fails. */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T) => void)[] = [];

  put(item: T): void {
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  take(what: string): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${waitMs} ms`)), waitMs);
      this.takers.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }
}

export class AgentConnection {
  private readonly inbox = new Inbox<AgentMessageType | Error>();
  readonly closed: Promise<number>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const decoded = decodeMessage(AgentMessage, String(data));
      this.inbox.put(isLeft(decoded) ? decoded.left : decoded.right);
    });
    this.closed = once(socket, 'close').then(([code]) => code as number);
  }

  /** The agent's next message; an invalid one fails the test. */
  async next(): Promise<AgentMessageType> {
    const item = await this.inbox.take('message from the agent');
    if (item instanceof Error) throw item;
    return item;
  }

  send(message: HubMessage): void {
    this.socket.send(encodeMessage(message));
  }
}

export class FakeHub {
  private readonly connections = new Inbox<AgentConnection>();

  private constructor(
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    private readonly scheme: 'http' | 'https',
  ) {
    wss.on('connection', (socket) => this.connections.put(new AgentConnection(socket)));
  }

  static async start(port = 0, tls?: { readonly key: string; readonly cert: string }): Promise<FakeHub> {
    const server = tls ? https.createServer(tls) : http.createServer();
    const wss = new WebSocketServer({ server, path: '/gateway' });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new FakeHub(server, wss, tls ? 'https' : 'http');
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}`;
  }

  nextConnection(): Promise<AgentConnection> {
    return this.connections.take('connection from the agent');
  }

  /** Stops like a crashed hub: every connection drops, the port stops answering. */
  async close(): Promise<void> {
    this.wss.clients.forEach((client) => client.terminate());
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
