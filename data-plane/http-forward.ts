// An HTTP server in front of a web server on or beside a device (http-over-device, protocol
// applications of type http). Each browser connection gets its own connection to the target,
// opened when its first request arrives and kept alive with it, so a session (one browser
// connection) maps to one stream through the device. Upgrades (WebSockets) are spliced raw.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { canonicalHost } from '../domain/tunnel/address.js';
import { splice } from '../wire/socket-splice.js';
import { hostHeaderOf, requestHeaders, responseHeaders } from './http-headers.js';
import type { Origin } from './http-headers.js';
import type { TunnelLogger } from './live-tunnel.js';

/** The browser connection a target connection is for: its address, and a signal aborted once it is gone. */
export interface BrowserOrigin {
  readonly clientIp: string;
  readonly signal: AbortSignal;
}

/** A connection to the target web server (TLS already applied when the target wants it). */
export type TargetConnector = (browser: BrowserOrigin) => Promise<{ readonly socket: Socket; readonly agentIP?: string }>;

export interface HttpForwardSettings {
  readonly connect: TargetConnector;
  readonly target: Origin;
  readonly frameAncestors?: readonly string[];
}

/** What became of one browser connection, for its session record. */
export interface BrowserConnection {
  /** A request reached the target; with the device's address when known. */
  readonly reached: boolean;
  readonly agentIP?: string;
  /** A request could not reach the target. */
  readonly failed: boolean;
}

interface ConnectionState {
  reached: boolean;
  failed: boolean;
  agentIP?: string;
  readonly agent: http.Agent;
  readonly browser: BrowserOrigin;
}

class TargetAgent extends http.Agent {
  constructor(
    private readonly open: () => ReturnType<TargetConnector>,
    private readonly state: () => ConnectionState | undefined,
  ) {
    super({ keepAlive: true, maxSockets: 1 });
  }

  override createConnection(_options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    // Node's agent reads only the error when there is one.
    const failed = callback as ((err: Error) => void) | undefined;
    this.open().then(
      ({ socket, agentIP }) => {
        const state = this.state();
        if (state !== undefined && agentIP !== undefined) state.agentIP = agentIP;
        callback?.(null, socket);
      },
      (error: Error) => failed?.(error),
    );
    return undefined;
  }
}

export class HttpForward {
  private readonly server: http.Server;
  private readonly connections = new WeakMap<object, ConnectionState>();

  constructor(
    private settings: HttpForwardSettings,
    private readonly logger: TunnelLogger,
  ) {
    this.server = http.createServer((request, response) => this.forward(request, response));
    this.server.keepAliveTimeout = 65_000;
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.server.on('clientError', (_error, socket: Duplex) => socket.destroy());
  }

  /** New requests go to these settings from now on; connections already open keep their target connection. */
  reconfigure(settings: HttpForwardSettings): void {
    this.settings = settings;
  }

  /** Serves one browser connection; its outcome is known once the socket closes. */
  serve(client: Socket): BrowserConnection {
    const settings = this.settings;
    const gone = new AbortController();
    const browser = { clientIp: canonicalHost(client.remoteAddress ?? ''), signal: gone.signal };
    const state: ConnectionState = { reached: false, failed: false, browser, agent: new TargetAgent(() => settings.connect(browser), () => this.connections.get(client)) };
    this.connections.set(client, state);
    client.once('close', () => {
      gone.abort();
      state.agent.destroy();
    });
    this.server.emit('connection', client);
    return {
      get reached() {
        return state.reached;
      },
      get failed() {
        return state.failed;
      },
      get agentIP() {
        return state.agentIP;
      },
    };
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    const client = request.socket;
    const state = this.connections.get(client);
    if (state === undefined) {
      response.writeHead(500).end();
      return;
    }
    const { target, frameAncestors } = this.settings;
    const outgoing = http.request({
      agent: state.agent,
      method: request.method,
      path: request.url,
      headers: requestHeaders(request.headers, target, client.remoteAddress ?? ''),
    });
    outgoing.on('response', (answer) => {
      state.reached = true;
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.rawHeaders, target, frameAncestors).flat());
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    });
    outgoing.on('error', (error) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      state.failed = true;
      this.logger.info({ err: error, target: hostHeaderOf(target) }, 'an HTTP request could not reach its target');
      response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`Tether could not reach ${hostHeaderOf(target)}: ${error.message}\n`);
    });
    request.pipe(outgoing);
    response.on('close', () => {
      if (!response.writableFinished) outgoing.destroy();
    });
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const client = request.socket;
    const state = this.connections.get(client);
    const { target, connect } = this.settings;
    if (state === undefined || socket !== client) {
      socket.destroy();
      return;
    }
    connect(state.browser).then(
      ({ socket: upstream, agentIP }) => {
        state.reached = true;
        if (agentIP !== undefined) state.agentIP = agentIP;
        const headers = { ...requestHeaders(request.headers, target, client.remoteAddress ?? ''), connection: 'Upgrade', upgrade: request.headers.upgrade ?? '' };
        const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [String(value)]).map((item) => `${name}: ${item}`));
        upstream.write(`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        splice({ socket: client }, { socket: upstream });
      },
      (error: Error) => {
        state.failed = true;
        this.logger.info({ err: error, target: hostHeaderOf(target) }, 'an HTTP upgrade could not reach its target');
        client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      },
    );
  }
}
