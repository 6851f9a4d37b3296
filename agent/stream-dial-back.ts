// A TCP stream's own connection to the hub: an HTTP upgrade to `tether-stream` on the hub's
// URL, after which the socket carries the stream's raw bytes both ways. The socket allows
// half-open from the start, so a FIN from the hub ends one direction only.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { TetherError } from '../domain/errors.js';
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
}

/** The dial-back URL of a stream: next to the gateway, so a path prefix of the hub URL carries over. */
export function streamUrl(hub: string, streamId: string): URL {
  const url = new URL(gatewayUrl(hub));
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/\/gateway$/, '') + dataSocketPath(streamId);
  return url;
}

// TLSSocket honours allowHalfOpen, though tls.ConnectionOptions does not declare it.
type HalfOpenTlsOptions = tls.ConnectionOptions & { readonly allowHalfOpen: boolean };

function connectTo(url: URL, ca: string | Buffer | undefined): Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'http:') return net.connect({ host, port: Number(url.port || 80), allowHalfOpen: true, noDelay: true });
  const options: HalfOpenTlsOptions = {
    host,
    port: Number(url.port || 443),
    allowHalfOpen: true,
    ...(net.isIP(host) === 0 ? { servername: host } : {}),
    ...(ca === undefined ? {} : { ca }),
  };
  return tls.connect(options);
}

/** The upgraded socket, paused, with any bytes that came with the 101 put back; rejects with `unavailable`. */
export function dialBack(streamId: string, token: string, options: DialBackOptions): Promise<Socket> {
  const url = streamUrl(options.hub, streamId);
  return new Promise((resolve, reject) => {
    let settled = false;
    const request = (url.protocol === 'https:' ? https : http).request({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      method: 'GET',
      path: url.pathname,
      headers: { connection: 'Upgrade', upgrade: streamUpgradeProtocol, authorization: `Bearer ${token}` },
      createConnection: () => connectTo(url, options.ca),
    });
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      reject(new TetherError('unavailable', `dial-back to ${url.origin}: ${why}`));
    };
    const onAbort = (): void => fail('cancelled');
    const timer = setTimeout(() => fail(`no upgrade within ${options.timeoutMs ?? 10_000} ms`), options.timeoutMs ?? 10_000);
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    request.on('upgrade', (response, socket, head) => {
      if (settled || response.statusCode !== 101) {
        socket.destroy();
        fail(`unexpected HTTP ${response.statusCode ?? '?'}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.setNoDelay(true);
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    request.on('response', (response) => {
      response.resume();
      fail(`the hub answered HTTP ${response.statusCode ?? '?'} ${response.statusMessage ?? ''}`.trimEnd());
    });
    request.on('error', (error) => fail(error.message));
    request.end();
  });
}
