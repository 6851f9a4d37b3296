// The streams the hub opens through one gateway connection: each `open-stream` is checked
// against the allow list (before any lookup or connect), then becomes a TCP stream (its own
// dial-back connection, raw bytes) or a UDP stream (its own dial-back, datagrams length-prefixed).
// When that connection ends, so does every stream opened through it.
import type { AgentStreamCause, AgentStreamMessage, CloseStream, OpenStream, StreamRefusalReason } from '../domain/gateway/stream-messages.js';
import type { LinkProtocol } from '../domain/tunnel/link-fields.js';
import { formatTarget, isAllowed, refusalMessage } from './allow-list.js';
import type { AllowRule } from './allow-list.js';
import { openTcpStream } from './tcp-stream.js';
import { openUdpStream } from './udp-stream.js';

/** What becomes of one stream; exactly one of refused or closed, once. */
export interface StreamOutcome {
  opened(): void;
  refused(reason: StreamRefusalReason, message: string): void;
  /** `how` is for the log; with `report`, the hub is told (UDP only). */
  closed(how: string, report?: AgentStreamCause): void;
}

export interface DeviceStream {
  /** Ends the stream now (a TCP stream is reset); its outcome's closed follows. */
  close(): void;
}

export interface StreamListener {
  opened(streamId: string, protocol: LinkProtocol): void;
  refused(streamId: string, reason: StreamRefusalReason): void;
  closed(streamId: string): void;
}

export interface DeviceStreamsOptions {
  readonly allow: readonly AllowRule[];
  /** The hub URL, for dial-backs. */
  readonly hub: string;
  readonly ca?: string | Buffer;
  readonly log: (line: string) => void;
  /** A control message to the hub on the gateway connection. */
  readonly send: (message: AgentStreamMessage) => void;
  readonly listener: StreamListener;
}

export interface DeviceStreams {
  open(message: OpenStream): void;
  close(message: CloseStream): void;
  /** Ends every stream, e.g. because the gateway connection is gone; settles when all are closed. */
  closeAll(why: string): Promise<void>;
  readonly size: number;
}

export function deviceStreams(options: DeviceStreamsOptions): DeviceStreams {
  const { log, listener } = options;
  const streams = new Map<string, DeviceStream>();
  const whenEmpty: (() => void)[] = [];

  function outcomeOf(message: OpenStream): StreamOutcome {
    const { streamId, protocol } = message;
    const name = `stream ${streamId} (${protocol} to ${formatTarget(message.target)})`;
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      streams.delete(streamId);
      if (streams.size === 0) whenEmpty.splice(0).forEach((resolve) => resolve());
      return true;
    };
    return {
      opened() {
        log(`${name} opened`);
        listener.opened(streamId, protocol);
        if (protocol === 'udp') options.send({ type: 'stream-opened', streamId });
      },
      refused(reason, text) {
        if (!finish()) return;
        log(`${name} refused: ${text}`);
        options.send({ type: 'stream-refused', streamId, reason, message: text });
        listener.refused(streamId, reason);
      },
      closed(how, report) {
        if (!finish()) return;
        log(`${name} closed: ${how}`);
        if (report !== undefined) options.send({ type: 'stream-closed', streamId, cause: report });
        listener.closed(streamId);
      },
    };
  }

  function open(message: OpenStream): void {
    if (streams.has(message.streamId)) {
      log(`ignored open-stream for stream ${message.streamId}: it is open already`);
      return;
    }
    const outcome = outcomeOf(message);
    if (!isAllowed(options.allow, message.target)) {
      outcome.refused('target-not-allowed', refusalMessage(options.allow, message.target));
      return;
    }
    // Registered before it starts, so an outcome reached at once still finds (and removes) it.
    const placeholder: DeviceStream = { close: () => undefined };
    streams.set(message.streamId, placeholder);
    const dialing = { hub: options.hub, ...(options.ca === undefined ? {} : { ca: options.ca }) };
    const stream = message.protocol === 'tcp' ? openTcpStream(message, dialing, outcome) : openUdpStream(message, dialing, outcome);
    if (streams.get(message.streamId) === placeholder) streams.set(message.streamId, stream);
  }

  return {
    open,
    close(message) {
      const stream = streams.get(message.streamId);
      if (stream === undefined) return;
      log(`stream ${message.streamId}: the hub closes it (${message.cause})`);
      stream.close();
    },
    closeAll(why) {
      if (streams.size === 0) return Promise.resolve();
      log(`closing ${streams.size} stream(s): ${why}`);
      const empty = new Promise<void>((resolve) => whenEmpty.push(resolve));
      [...streams.values()].forEach((stream) => stream.close());
      return empty;
    },
    get size() {
      return streams.size;
    },
  };
}
