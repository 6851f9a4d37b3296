// The device side of dtt-reverse protocol applications: the agent listens on a local port for
// each connected mapping, and carries every connection an application makes there to the hub.
// It asks first (reverse-connect), and only once the hub has reached the target does it dial
// the stream back (reverse-accept, the same upgrade as a DeviceLink TCP stream) and splice the
// two; a stream the hub will not carry (close-stream) is reset at once.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AgentReverseMessage, ReverseAccept, ReverseListen, ReverseUnlisten } from '../domain/gateway/reverse-messages.js';
import type { CloseStream } from '../domain/gateway/stream-messages.js';
import { resetSocket, splice } from '../wire/socket-splice.js';
import type { Splice } from '../wire/socket-splice.js';
import { dialBack } from './stream-dial-back.js';

export interface ReverseListenersOptions {
  /** The hub URL, for dial-backs. */
  readonly hub: string;
  readonly ca?: string | Buffer;
  readonly log: (line: string) => void;
  /** A control message to the hub on the gateway connection. */
  readonly send: (message: AgentReverseMessage) => void;
  /** Where listeners bind; default 127.0.0.1 (applications on the device itself). */
  readonly bindAddress?: string;
  /** How long a local connection waits for the hub to accept it; default 15 s. */
  readonly acceptTimeoutMs?: number;
}

export interface ReverseListeners {
  listen(message: ReverseListen): void;
  unlisten(message: ReverseUnlisten): void;
  accept(message: ReverseAccept): void;
  /** Ends a reverse stream the hub closes; other streams' messages are ignored. */
  close(message: CloseStream): void;
  /** Stops every listener and ends every stream (the gateway connection is gone); settles when they are closed. */
  closeAll(why: string): Promise<void>;
  /** Listeners open. */
  readonly size: number;
}

interface ReverseStream {
  readonly local: Socket;
  readonly port: number;
  readonly timer: NodeJS.Timeout;
  spliced?: Splice;
  readonly cancel: AbortController;
}

export function reverseListeners(options: ReverseListenersOptions): ReverseListeners {
  const { log, send } = options;
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  const acceptTimeoutMs = options.acceptTimeoutMs ?? 15_000;
  const listeners = new Map<string, { readonly server: Server; readonly port: number }>();
  const streams = new Map<string, ReverseStream>();

  function end(streamId: string, how: string): void {
    const stream = streams.get(streamId);
    if (stream === undefined) return;
    streams.delete(streamId);
    clearTimeout(stream.timer);
    stream.cancel.abort();
    if (stream.spliced === undefined) resetSocket(stream.local);
    else stream.spliced.abort();
    log(`reverse stream ${streamId} (port ${stream.port}) closed: ${how}`);
  }

  function connected(listenerId: string, port: number, local: Socket): void {
    local.on('error', () => undefined);
    const streamId = randomUUID();
    const timer = setTimeout(() => end(streamId, `the hub did not accept it within ${acceptTimeoutMs} ms`), acceptTimeoutMs);
    timer.unref();
    streams.set(streamId, { local, port, timer, cancel: new AbortController() });
    local.once('close', () => {
      const stream = streams.get(streamId);
      if (stream !== undefined && stream.spliced === undefined) end(streamId, 'the application left before the hub accepted it');
    });
    send({ type: 'reverse-connect', listenerId, streamId });
  }

  return {
    listen({ listenerId, port }) {
      if (listeners.has(listenerId)) return;
      const server = net.createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (local) => connected(listenerId, port, local));
      server.once('error', (error) => {
        listeners.delete(listenerId);
        log(`reverse listener on ${bindAddress}:${port} failed: ${error.message}`);
        send({ type: 'reverse-listen-failed', listenerId, message: `cannot listen on ${bindAddress}:${port}: ${error.message}` });
      });
      server.listen({ port, host: bindAddress, exclusive: true }, () => {
        log(`reverse listener on ${bindAddress}:${port} open`);
        send({ type: 'reverse-listening', listenerId });
      });
      listeners.set(listenerId, { server, port });
    },
    unlisten({ listenerId }) {
      const listener = listeners.get(listenerId);
      if (listener === undefined) return;
      listeners.delete(listenerId);
      listener.server.close();
      log(`reverse listener on port ${listener.port} closed`);
    },
    accept({ streamId, token }) {
      const stream = streams.get(streamId);
      if (stream === undefined) return;
      clearTimeout(stream.timer);
      dialBack(streamId, token, { hub: options.hub, signal: stream.cancel.signal, ...(options.ca === undefined ? {} : { ca: options.ca }) }).then(
        (hub) => {
          if (streams.get(streamId) !== stream || stream.local.destroyed) {
            resetSocket(hub);
            end(streamId, 'the application left during the dial-back');
            return;
          }
          const spliced = splice({ socket: stream.local }, { socket: hub });
          stream.spliced = spliced;
          void spliced.ended.then((result) => {
            if (streams.get(streamId) !== stream) return;
            streams.delete(streamId);
            log(`reverse stream ${streamId} (port ${stream.port}) ${result.reset ? 'reset' : 'ended'}; ${result.bytesAToB} bytes to the hub, ${result.bytesBToA} from it`);
          });
        },
        (error: Error) => end(streamId, error.message),
      );
    },
    close(message) {
      end(message.streamId, `the hub closes it (${message.cause})`);
    },
    closeAll(why) {
      for (const [listenerId, listener] of listeners) {
        listeners.delete(listenerId);
        listener.server.close();
      }
      const closing = [...streams.entries()].map(([streamId, stream]) => {
        const closed = new Promise<void>((resolve) => (stream.local.destroyed ? resolve() : stream.local.once('close', () => resolve())));
        end(streamId, why);
        return closed;
      });
      return Promise.all(closing).then(() => undefined);
    },
    get size() {
      return listeners.size;
    },
  };
}
