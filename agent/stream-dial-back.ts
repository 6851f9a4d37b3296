// A TCP stream's own connection to the hub: an HTTP upgrade to `tether-stream` on the hub's
// URL, after which the socket carries the stream's raw bytes both ways. The socket allows
// half-open from the start, so a FIN from the hub ends one direction only.
import net from 'node:net';
import type { Socket } from 'node:net';
import { TetherError } from '../domain/errors.js';
import { connectHalfOpenTls } from '../wire/half-open-tls.js';
import type { KeptReadBuffer } from '../wire/kept-read-buffer.js';
import { dataSocketPath, streamUpgradeProtocol } from '../domain/gateway/stream-messages.js';
import { gatewayUrl } from './gateway-url.js';

export interface DialBackOptions {
  /** The hub URL as the agent was given it (http, https, ws or wss, maybe with a path prefix). */
  readonly hub: string;
  /** PEM of a private CA the hub's certificate must chain to. */
  readonly ca?: string | Buffer;
  /** Until the hub's 101; default 10 s. */
  readonly timeoutMs?: number;
  /** Gives up before the upgrade completes; no effect after. */
  readonly signal?: AbortSignal;
  /**
   * A plain (http) connection reads into this kept buffer; the bytes that came with the 101 are
   * held in it for the splice. Over TLS it is left unused (`inUse` stays false).
   */
  readonly reads?: KeptReadBuffer;
}

/** The dial-back URL of a stream: next to the gateway, so a path prefix of the hub URL carries over. */
export function streamUrl(hub: string, streamId: string): URL {
  const url = new URL(gatewayUrl(hub));
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/\/gateway$/, '') + dataSocketPath(streamId);
  return url;
}

function connectTo(url: URL, ca: string | Buffer | undefined, reads: KeptReadBuffer | undefined): Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'http:') {
    return net.connect({ host, port: Number(url.port || 80), allowHalfOpen: true, noDelay: true, ...(reads === undefined ? {} : { onread: reads.onread() }) });
  }
  return connectHalfOpenTls({
    host,
    port: Number(url.port || 443),
    ...(net.isIP(host) === 0 ? { servername: host } : {}),
    ...(ca === undefined ? {} : { ca }),
  });
}

// The answer to the upgrade is read by hand: a status line and headers, then the stream. An
// HTTP client would parse the same, at a fifth of a millisecond more per stream.
const maxAnswerBytes = 8192;
const headerEnd = Buffer.from('\r\n\r\n');

/**
 * The upgraded socket, paused, with any bytes that came with the 101 put back (or held in
 * `options.reads` when the socket reads into it); rejects with `unavailable`.
 */
export function dialBack(streamId: string, token: string, options: DialBackOptions): Promise<Socket> {
  const url = streamUrl(options.hub, streamId);
  return new Promise((resolve, reject) => {
    let settled = false;
    let answer: Buffer = Buffer.alloc(0);
    const socket = connectTo(url, options.ca, options.reads);
    const reads = options.reads?.inUse === true ? options.reads : undefined;
    const settle = (): void => {
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (reads === undefined) socket.off('data', onData);
      socket.off('close', onClose);
    };
    const fail = (why: string): void => {
      if (settled) return;
      settle();
      socket.destroy();
      reject(new TetherError('unavailable', `dial-back to ${url.origin}: ${why}`));
    };
    const onAbort = (): void => fail('cancelled');
    const onClose = (): void => fail('the hub closed the connection before answering');
    /** False once the answer is complete: the bytes after it are the stream's. */
    const onData = (chunk: Buffer): boolean => {
      answer = answer.length === 0 ? chunk : Buffer.concat([answer, chunk]);
      const end = answer.indexOf(headerEnd);
      if (end < 0) {
        if (answer.length > maxAnswerBytes) fail('the hub answered with an oversized header');
        return !settled;
      }
      const statusLine = answer.subarray(0, answer.indexOf('\r\n')).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
      if (status?.[1] !== '101') {
        fail(status === null ? 'the hub did not answer in HTTP' : `the hub answered HTTP ${status[1] ?? ''} ${status[2] ?? ''}`.trimEnd());
        return false;
      }
      settle();
      socket.pause();
      const rest = answer.subarray(end + headerEnd.length);
      if (reads !== undefined) reads.hold(rest);
      else if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
      return false;
    };
    const timer = setTimeout(() => fail(`no upgrade within ${options.timeoutMs ?? 10_000} ms`), options.timeoutMs ?? 10_000);
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.setNoDelay(true);
    // A chunk in the kept buffer is only valid during the call: the answer keeps a copy.
    if (reads !== undefined) reads.takeWith(socket, (chunk) => onData(Buffer.from(chunk)));
    else socket.on('data', onData);
    socket.on('close', onClose);
    // The splice watches errors once the stream is up; until then they end the dial-back.
    socket.on('error', (error) => fail(error.message));
    const host = url.host;
    socket.write(
      `GET ${url.pathname} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: ${streamUpgradeProtocol}\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
  });
}
