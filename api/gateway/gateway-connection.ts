// One device's control connection: JSON text frames decoded with the wire codecs, a hello
// first and within a few seconds, an error reply for each invalid message and the door after
// a few. What a hello means is the supervisor's business; this is the socket's.
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import type { DeviceSupervisor } from '../../actors/device/device-supervisor.js';
import type { GatewayAdmission } from '../../actors/gateway/gateway-admission.js';
import { whyNotProven } from '../../data-plane/proven-connection.js';
import type { DisconnectCause } from '../../domain/device/events.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { AgentMessage } from '../../domain/gateway/agent-messages.js';
import { decodeMessage, encodeMessage } from '../../domain/gateway/frame.js';
import { AgentJobMessage } from '../../domain/gateway/job-messages.js';
import { AgentReverseMessage } from '../../domain/gateway/reverse-messages.js';
import { AgentStreamMessage } from '../../domain/gateway/stream-messages.js';
import type { ClosingCause, HubMessage } from '../../domain/gateway/hub-messages.js';
import { TurnCork } from '../../wire/turn-cork.js';

export interface GatewayLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Where the data plane's messages of a device go (the tunnel supervisor). */
export interface StreamSink {
  streamMessage(mac: Mac, message: AgentStreamMessage): void;
}

/** Where a device's update, backup and restore results go (the job supervisors). */
export interface JobResultSink {
  jobResult(mac: Mac, message: AgentJobMessage): void;
}

/** Where a device's reverse-connection and service-endpoint messages go (proxies and protocol applications). */
export interface ReverseSink {
  reverseMessage(mac: Mac, message: AgentReverseMessage): void;
}

export interface ConnectionSettings {
  readonly supervisor: DeviceSupervisor;
  readonly streams: StreamSink;
  readonly jobs?: JobResultSink;
  readonly reverse?: ReverseSink;
  readonly admission: GatewayAdmission;
  readonly logger: GatewayLogger;
  readonly helloTimeoutMs: number;
  readonly maxInvalidMessages: number;
}

// 1001 "going away" and 1008 "policy violation" are standard; 4000-4999 are ours.
const closeCodes: Readonly<Record<ClosingCause, number>> = {
  'hub-shutdown': 1001,
  'invalid-messages': 1008,
  superseded: 4001,
  'already-connected': 4002,
  timeout: 4003,
  // "Try again later".
  'rate-limited': 1013,
};

// How the record names the end of a connection the hub closed itself.
const disconnectCauses: Readonly<Record<ClosingCause, DisconnectCause>> = {
  'hub-shutdown': 'hub-shutdown',
  'invalid-messages': 'error',
  superseded: 'superseded',
  'already-connected': 'closed',
  timeout: 'timeout',
  'rate-limited': 'closed',
};

const bytesOf = (data: WebSocket.RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

/** True for a hello whose MAC is malformed: no identity, so no second chance. */
function isBadMacHello(text: string, error: TetherError): boolean {
  if (!error.details.includes('mac')) return false;
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'hello';
  } catch {
    return false;
  }
}

export class GatewayConnection implements ControlConnection {
  readonly connectionId = randomUUID();
  /** Set by the hello; from then on the supervisor knows this connection. */
  private mac: Mac | undefined;
  private invalidMessages = 0;
  /** Heard from since the last heartbeat. */
  private alive = true;
  private cause: DisconnectCause = 'closed';
  private helloTimer: NodeJS.Timeout | undefined;
  private readonly writes: TurnCork;
  readonly closed: Promise<void>;

  /** `transport`: the connection under the WebSocket, whose writes the frames of one turn share. */
  constructor(
    private readonly socket: WebSocket,
    transport: Duplex,
    readonly ip: string,
    private readonly settings: ConnectionSettings,
  ) {
    this.writes = new TurnCork(transport);
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('error', (error) => {
      this.cause = 'error';
      settings.logger.info({ err: error, ip, mac: this.mac }, 'device connection error');
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        clearTimeout(this.helloTimer);
        if (this.mac !== undefined) {
          settings.supervisor.disconnected(this.mac, this, this.cause).catch((error: unknown) => {
            settings.logger.error({ err: error, mac: this.mac }, 'could not record the end of a device connection');
          });
        }
        resolve();
      });
    });
    this.helloTimer = setTimeout(() => this.close('timeout'), settings.helloTimeoutMs);
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: HubMessage): void {
    if (!this.open) return;
    this.writes.hold();
    this.socket.send(encodeMessage(message));
  }

  close(cause: ClosingCause): void {
    if (!this.open) return;
    this.cause = disconnectCauses[cause];
    this.send({ type: 'closing', cause });
    this.socket.close(closeCodes[cause], cause);
  }

  /** Called on every heartbeat tick: a device that did not answer the last ping is gone. */
  heartbeat(): void {
    if (!this.alive) {
      this.cause = 'timeout';
      this.socket.terminate();
      return;
    }
    this.alive = false;
    if (this.open) this.socket.ping();
  }

  /** Ends the connection without the close handshake (shutdown stragglers). */
  terminate(): void {
    this.socket.terminate();
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    this.alive = true;
    if (isBinary) {
      this.reject(new TetherError('validation_failed', "the gateway takes no binary frames: datagrams travel on their stream's dial-back (an agent that sends them predates UDP dial-backs: upgrade it)", ['type']));
      return;
    }
    const text = bytesOf(data).toString('utf8');
    const decoded = decodeMessage(AgentMessage, text);
    if (isLeft(decoded)) {
      if (isBadMacHello(text, decoded.left)) {
        this.replyError(decoded.left);
        this.close('invalid-messages');
        return;
      }
      this.reject(decoded.left);
      return;
    }
    const message = decoded.right;
    if (message.type === 'hello') {
      if (this.mac !== undefined) {
        this.reject(new TetherError('validation_failed', 'hello is said once per connection', ['type']));
        return;
      }
      if (!this.settings.admission.hello(this.ip)) {
        this.refuse(new TetherError('rate_limited', 'too many hellos from this address; try again later'));
        return;
      }
      this.mac = message.mac;
      clearTimeout(this.helloTimer);
      this.helloTimer = undefined;
      this.settings.supervisor.hello(this, message).catch((error: unknown) => this.fail(error));
      return;
    }
    if (this.mac === undefined) {
      this.reject(new TetherError('validation_failed', 'the first message must be hello', ['type']));
      return;
    }
    if (message.type === 'ping') this.send({ type: 'pong' });
    else if (message.type === 'error-report') this.settings.logger.warn({ mac: this.mac, report: message.message }, 'the device reports an error');
    else if (AgentStreamMessage.is(message)) this.settings.streams.streamMessage(this.mac, message);
    else if (AgentJobMessage.is(message)) this.jobResult(this.mac, message);
    else if (AgentReverseMessage.is(message)) this.settings.reverse?.reverseMessage(this.mac, message);
  }

  /** A result counts only from the device's own connection: one that proved its password. */
  private jobResult(mac: Mac, message: AgentJobMessage): void {
    const { supervisor, jobs, logger } = this.settings;
    if (supervisor.connectionOf(mac)?.link === this && whyNotProven(supervisor, mac) === undefined) jobs?.jobResult(mac, message);
    else logger.warn({ mac, type: message.type }, 'a job result from a connection that did not prove the device password was ignored');
  }

  /** Answers with `error` and closes: the agent tries again after its backoff. */
  private refuse(error: TetherError): void {
    this.replyError(error);
    this.close('rate-limited');
  }

  private replyError(error: TetherError): void {
    this.send({ type: 'error', code: error.code, message: error.message, details: [...error.details] });
  }

  private reject(error: TetherError): void {
    this.invalidMessages += 1;
    this.replyError(error);
    if (this.invalidMessages >= this.settings.maxInvalidMessages) this.close('invalid-messages');
  }

  private fail(error: unknown): void {
    this.settings.logger.error({ err: error, mac: this.mac }, 'a device hello failed');
    this.replyError(new TetherError('internal', 'the hub could not take this connection; try again later'));
    this.cause = 'error';
    if (this.open) this.socket.close(1011, 'internal error');
  }
}
