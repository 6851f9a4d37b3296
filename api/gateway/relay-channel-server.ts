// The relays' control channels: WebSocket upgrades at /relay on the hub's HTTP(S) server,
// authenticated by the relay's name (header) and its token (bearer) against its registration.
// Each channel makes its relay a host for links on this node until it closes, or until its
// token is reset or the relay deleted through any node; a relay that connects again replaces
// its older channel.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket, { WebSocketServer } from 'ws';
import type { RelayAddress, RelayService } from '../../actors/relay/relay-service.js';
import type { RelayChannel } from '../../data-plane/relay-tunnel-host.js';
import type { TunnelSupervisor } from '../../actors/tunnel/tunnel-supervisor.js';
import { decodeMessage } from '../../domain/gateway/frame.js';
import { maxRelayFrameBytes, RelayToHubMessage, relayChannelPath, relayNameHeader } from '../../domain/relay/channel-messages.js';
import type { HubToRelayMessage } from '../../domain/relay/channel-messages.js';
import type { GatewayLogger } from './gateway-connection.js';

export interface RelayChannelOptions {
  readonly relays: RelayService;
  readonly tunnels: TunnelSupervisor;
  readonly logger: GatewayLogger;
  /** A ping this often; a relay that has not answered the previous one is dropped. Default 15 s. */
  readonly heartbeatMs?: number;
}

export interface RelayChannels {
  readonly count: number;
  /** Stops accepting and closes every channel (call after the links were closed). */
  close(): Promise<void>;
}

// Past this many invalid messages a relay's channel is closed: a relay of another version, or not a relay.
const maxInvalidMessages = 10;

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

const bytesOf = (data: WebSocket.RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

class ChannelSocket implements RelayChannel {
  alive = true;

  constructor(private readonly socket: WebSocket) {}

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: HubToRelayMessage): void {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  close(reason: string): void {
    if (this.open) this.socket.close(4001, reason.slice(0, 120));
  }

  heartbeat(): void {
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    this.alive = false;
    if (this.open) this.socket.ping();
  }
}

export function attachRelayChannels(server: Server, options: RelayChannelOptions): RelayChannels {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: maxRelayFrameBytes, clientTracking: false });
  const sockets = new Set<WebSocket>();
  const channels = new Set<ChannelSocket>();
  let closing = false;

  const serve = (ws: WebSocket, address: RelayAddress, ip: string): ChannelSocket => {
    const channel = new ChannelSocket(ws);
    channels.add(channel);
    sockets.add(ws);
    const host = options.tunnels.attachRelay({ ...address, channel });
    options.logger.info({ relay: address.relay, ip }, 'relay control channel open');
    let invalid = 0;
    ws.on('pong', () => {
      channel.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      channel.alive = true;
      const decoded = isBinary ? undefined : decodeMessage(RelayToHubMessage, bytesOf(data).toString('utf8'));
      if (decoded === undefined || isLeft(decoded)) {
        invalid += 1;
        options.logger.warn({ relay: address.relay, problem: decoded === undefined ? 'a binary frame' : decoded.left.message }, 'invalid relay message');
        if (invalid >= maxInvalidMessages) channel.close('too many invalid messages');
        return;
      }
      host.receive(decoded.right);
    });
    ws.on('error', (error) => options.logger.info({ err: error, relay: address.relay }, 'relay control channel error'));
    ws.once('close', () => {
      sockets.delete(ws);
      channels.delete(channel);
      options.logger.info({ relay: address.relay }, 'relay control channel closed');
      options.tunnels.detachRelay(host);
    });
    return channel;
  };

  // Checked again once attached: a token reset or deletion stored since the first check was
  // heard before this channel was there to drop (relay-revocations.ts); one stored later finds it.
  const confirm = (channel: ChannelSocket, name: string, token: string): void => {
    options.relays.authenticate(name, token).then(
      (address) => {
        if (address === undefined) channel.close('the relay token is no longer valid');
      },
      (error: unknown) => {
        options.logger.error({ err: error, relay: name }, 'could not check a relay control channel again');
        channel.close('could not check the relay token');
      },
    );
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== relayChannelPath) return;
    if (closing) {
      refuse(socket, '503 Service Unavailable');
      return;
    }
    const nameHeader = request.headers[relayNameHeader];
    const name = typeof nameHeader === 'string' ? nameHeader : '';
    const authorization = request.headers.authorization ?? '';
    const token = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
    const ip = (request.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    options.relays.authenticate(name, token).then(
      (address) => {
        if (address === undefined || closing) {
          options.logger.warn({ relay: name, ip }, 'a relay control channel was refused: unknown name or wrong token');
          refuse(socket, closing ? '503 Service Unavailable' : '401 Unauthorized');
          return;
        }
        wss.handleUpgrade(request, socket, head, (ws) => confirm(serve(ws, address, ip), name, token));
      },
      (error: unknown) => {
        options.logger.error({ err: error, relay: name }, 'could not authenticate a relay control channel');
        refuse(socket, '500 Internal Server Error');
      },
    );
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => channels.forEach((channel) => channel.heartbeat()), options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  return {
    get count() {
      return sockets.size;
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      const closed = [...sockets].map((ws) => new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) resolve();
        else ws.once('close', () => resolve());
        ws.close(1001, 'hub shutting down');
      }));
      const force = setTimeout(() => sockets.forEach((ws) => ws.terminate()), 2000);
      await Promise.all(closed);
      clearTimeout(force);
      wss.close();
    },
  };
}
