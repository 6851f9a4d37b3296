// A minimal hub gateway for agent tests: a real WebSocket server on 127.0.0.1 that hands
// each connection to the test, which plays the hub's part message by message, and takes the
// agent's stream dial-backs (HTTP upgrades), which the test accepts or refuses.
import { once } from 'node:events';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
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
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        this.inbox.put(new Error('the agent sent a binary frame on the gateway connection'));
        return;
      }
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

/** An agent's dial-back for a stream, waiting for the test to answer it. */
export class StreamDialBack {
  constructor(
    readonly request: IncomingMessage,
    private readonly socket: Socket,
  ) {
    // The agent resets stream connections on purpose; a test watches 'close'.
    socket.on('error', () => undefined);
  }

  get path(): string | undefined {
    return this.request.url;
  }

  /** Answers 101; `first` goes out in the same write, as a hub's first bytes may. */
  accept(first: Buffer = Buffer.alloc(0)): Socket {
    const head = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: tether-stream\r\n\r\n';
    this.socket.setNoDelay(true);
    this.socket.write(Buffer.concat([Buffer.from(head), first]));
    return this.socket;
  }

  refuse(status: number, text: string): void {
    this.socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
}

export class FakeHub {
  private readonly connections = new Inbox<AgentConnection>();
  private readonly dialBacks = new Inbox<StreamDialBack>();
  private readonly streamSockets = new Set<Duplex>();

  private constructor(
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    private readonly scheme: 'http' | 'https',
  ) {
    wss.on('connection', (socket) => this.connections.put(new AgentConnection(socket)));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (request.url === '/gateway') {
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      } else if (request.url?.startsWith('/gateway/streams/') === true) {
        this.streamSockets.add(socket);
        socket.once('close', () => this.streamSockets.delete(socket));
        if (head.length > 0) socket.unshift(head);
        this.dialBacks.put(new StreamDialBack(request, socket as Socket));
      } else {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      }
    });
  }

  static async start(port = 0, tls?: { readonly key: string; readonly cert: string }): Promise<FakeHub> {
    const server = tls ? https.createServer(tls) : http.createServer();
    const wss = new WebSocketServer({ noServer: true });
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

  nextDialBack(): Promise<StreamDialBack> {
    return this.dialBacks.take('stream dial-back from the agent');
  }

  /** Stops like a crashed hub: every connection drops, the port stops answering. */
  async close(): Promise<void> {
    this.wss.clients.forEach((client) => client.terminate());
    this.server.closeAllConnections();
    this.streamSockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
