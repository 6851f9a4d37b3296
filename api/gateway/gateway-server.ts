// The device gateway: WebSocket upgrades at /gateway on the hub's HTTP(S) server. Plain `ws`
// without compression, since memory per idle device is what limits a hub; socket.io keeps
// /socket.io/ on the same server, and upgrades for other paths are left to it.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { DeviceSupervisor } from '../../actors/device/device-supervisor.js';
import type { GatewayAdmission } from '../../actors/gateway/gateway-admission.js';
import { maxControlFrameBytes } from '../../domain/gateway/frame.js';
import { GatewayConnection } from './gateway-connection.js';
import type { GatewayLogger, JobResultSink, ReverseSink, StreamSink } from './gateway-connection.js';
import { acceptStreamDialBack, isStreamDialBackPath } from '../../wire/stream-dial-back.js';
import type { DialBackTarget } from '../../wire/stream-dial-back.js';

export const gatewayPath = '/gateway';

export interface GatewayTimings {
  /** A ping this often; a device that has not answered the previous one is dropped. Default 30 s. */
  readonly heartbeatMs?: number;
  /** How long a new connection may take to say hello. Default 5 s. */
  readonly helloTimeoutMs?: number;
}

export interface GatewayOptions extends GatewayTimings {
  readonly supervisor: DeviceSupervisor;
  /** The per-address limits on connections, hellos and registrations (shared with the supervisor). */
  readonly admission: GatewayAdmission;
  /** The tunnel supervisor: device stream messages, datagrams and dial-backs. */
  readonly streams: StreamSink & DialBackTarget;
  /** The job supervisors: update, backup and restore results. */
  readonly jobs?: JobResultSink;
  /** Proxies and protocol applications: reverse-connection and service-endpoint messages. */
  readonly reverse?: ReverseSink;
  readonly logger: GatewayLogger;
  /** Invalid messages tolerated on one connection before it is closed. Default 3. */
  readonly maxInvalidMessages?: number;
}

export interface Gateway {
  /** Open control connections, said hello or not. */
  readonly connectionCount: number;
  /** Stops accepting, shuts the supervisor down (recording every connection's end), then closes every socket. */
  close(): Promise<void>;
}

// Past this, a device that does not complete the close handshake is cut off.
const closeGraceMs = 2000;
/** Connections pinged per turn of the event loop on a heartbeat. */
const heartbeatSlice = 500;

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** The peer as the socket reports it; a proxy's X-Forwarded-For is not trusted. */
function ipOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

export function attachGateway(server: Server, options: GatewayOptions): Gateway {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: maxControlFrameBytes, clientTracking: false });
  const settings = {
    supervisor: options.supervisor,
    streams: options.streams,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
    ...(options.reverse === undefined ? {} : { reverse: options.reverse }),
    admission: options.admission,
    logger: options.logger,
    helloTimeoutMs: options.helloTimeoutMs ?? 5000,
    maxInvalidMessages: options.maxInvalidMessages ?? 3,
  };
  const connections = new Set<GatewayConnection>();
  let closing = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = pathOf(request);
    if (isStreamDialBackPath(path)) {
      acceptStreamDialBack(request, socket, head, options.streams);
      return;
    }
    if (path !== gatewayPath) return;
    if (closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const ip = ipOf(request);
    if (!options.admission.connect(ip)) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // The socket's end, not the WebSocket's: an upgrade that fails never becomes a connection.
    socket.once('close', () => options.admission.disconnected(ip));
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new GatewayConnection(ws, socket, ip, settings);
      connections.add(connection);
      void connection.closed.then(() => connections.delete(connection));
    });
  };
  server.on('upgrade', onUpgrade);

  // One timer for every connection, not one each: idle devices must cost little. It beats them
  // a slice per turn: pinging thousands in one turn held the event loop (a quarter of a second
  // for 5,000 devices here) and every device's traffic with it.
  const beat = (all: readonly GatewayConnection[], from: number): void => {
    if (closing) return;
    all.slice(from, from + heartbeatSlice).forEach((connection) => connection.heartbeat());
    if (from + heartbeatSlice < all.length) setImmediate(() => beat(all, from + heartbeatSlice));
  };
  const heartbeat = setInterval(() => beat([...connections], 0), options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  let closed: Promise<void> | undefined;
  return {
    get connectionCount() {
      return connections.size;
    },
    close: () =>
      (closed ??= (async () => {
        closing = true;
        clearInterval(heartbeat);
        await options.supervisor.shutdown();
        // Connections that never said hello, or whose hello was refused during shutdown.
        connections.forEach((connection) => connection.close('hub-shutdown'));
        const all = Promise.all([...connections].map((connection) => connection.closed));
        const grace = setTimeout(() => connections.forEach((connection) => connection.terminate()), closeGraceMs);
        await all;
        clearTimeout(grace);
        server.off('upgrade', onUpgrade);
        wss.close();
      })()),
  };
}
