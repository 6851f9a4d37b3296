// The relay's control channel to one hub node: a WebSocket to <hub>/relay, authenticated by the
// relay's name and token, reconnected with jittered backoff for as long as the relay runs. The
// links that node placed cannot outlive the channel (every event of theirs is recorded through
// it), so when it drops the relay lets them go, and the hub records them as relay-lost.
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import { decodeMessage } from '../domain/gateway/frame.js';
import { HubToRelayMessage, maxRelayFrameBytes, relayChannelPath, relayNameHeader } from '../domain/relay/channel-messages.js';
import type { RelayToHubMessage } from '../domain/relay/channel-messages.js';
import type { TunnelLogger } from '../data-plane/live-tunnel.js';
import { hubUrl } from './hub-requests.js';
import type { NodeChannel } from './relay-links.js';

export interface HubChannelOptions {
  readonly hub: string;
  readonly ca?: string | Buffer;
  readonly name: string;
  readonly token: string;
  readonly logger: TunnelLogger;
  readonly onOpen: () => void;
  readonly onMessage: (message: HubToRelayMessage) => void;
  readonly onClose: () => void;
  /** The hub refused the name and token (HTTP 401): e.g. the relay was deleted; register again before retrying. */
  readonly onRefused: () => Promise<void>;
  /** Reconnect delays: from baseMs doubling up to maxMs, each with up to half of it added at random. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** A ping this often; a hub that has not answered the previous one is taken as gone. Default 15 s. */
  readonly heartbeatMs?: number;
}

const bytesOf = (data: WebSocket.RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

export class HubChannel implements NodeChannel {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HubChannelOptions) {}

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.connect();
  }

  /** False when the channel is down: the message is lost, as are the links it concerns. */
  send(message: RelayToHubMessage): boolean {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const force = setTimeout(() => socket.terminate(), 2000);
    socket.close(1000, 'relay stopping');
    await closed;
    clearTimeout(force);
  }

  private retry(): void {
    if (this.stopped) return;
    const { baseMs, maxMs } = this.options.backoff ?? { baseMs: 500, maxMs: 15_000 };
    const delay = Math.min(maxMs, baseMs * 2 ** Math.min(this.attempt, 20));
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay + Math.random() * (delay / 2));
  }

  private connect(): void {
    if (this.stopped) return;
    const { options } = this;
    const url = hubUrl(options.hub, relayChannelPath, 'ws');
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${options.token}`, [relayNameHeader]: options.name },
      perMessageDeflate: false,
      maxPayload: maxRelayFrameBytes,
      handshakeTimeout: 10_000,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    this.socket = socket;
    let opened = false;
    let refused = false;
    let alive = true;
    const heartbeat = setInterval(() => {
      if (!alive) socket.terminate();
      alive = false;
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, options.heartbeatMs ?? 15_000);
    heartbeat.unref();

    socket.on('unexpected-response', (_request, response) => {
      refused = response.statusCode === 401;
      options.logger.warn({ hub: options.hub, status: response.statusCode }, refused ? 'the hub refused this relay name and token' : 'the hub did not open the control channel');
      socket.terminate();
    });
    socket.on('open', () => {
      opened = true;
      this.attempt = 0;
      options.logger.info({ hub: options.hub }, 'control channel to the hub open');
      options.onOpen();
    });
    socket.on('ping', () => {
      alive = true;
    });
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('message', (data, isBinary) => {
      alive = true;
      if (isBinary) return;
      const decoded = decodeMessage(HubToRelayMessage, bytesOf(data).toString('utf8'));
      if (isLeft(decoded)) {
        options.logger.warn({ problem: decoded.left.message }, 'ignored an invalid message from the hub');
        return;
      }
      options.onMessage(decoded.right);
    });
    socket.on('error', (error) => {
      if (!refused) options.logger.info({ err: error, hub: options.hub }, 'control channel error');
    });
    socket.on('close', (code, reason) => {
      clearInterval(heartbeat);
      if (this.socket === socket) this.socket = undefined;
      if (opened) {
        options.logger.warn({ hub: options.hub, code, reason: reason.toString() }, 'control channel to the hub closed: the links placed through it end');
        options.onClose();
      }
      if (this.stopped) return;
      if (refused) {
        options.onRefused().then(
          () => this.retry(),
          (error: unknown) => {
            options.logger.error({ err: error }, 'could not register again');
            this.retry();
          },
        );
        return;
      }
      this.retry();
    });
  }
}
