// A stream through a device another hub node holds: an HTTP upgrade to that node's internal
// URL, after which the connection carries the stream's raw bytes. The connection allows
// half-open, as a dial-back does, so a FIN ends one direction only. Over https it is node:tls
// with the default CAs (NODE_EXTRA_CA_CERTS adds a private one); between nodes on http the
// stream is clear text.
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';
import { TetherError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';
import { connectHalfOpenTls } from '../wire/half-open-tls.js';
import { isUntrustedCertificate, untrustedPeerCertificate } from './peer-trouble.js';

export type PeerStreamAnswer =
  | { readonly kind: 'upgraded'; readonly socket: Socket; readonly headers: IncomingHttpHeaders }
  /** The peer refused with an HTTP status and (the start of) its body. */
  | { readonly kind: 'refused'; readonly status: number; readonly body: string };

export interface PeerStreamOptions {
  /** The upgrade protocol both ends agree on. */
  readonly protocol: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Until the peer answers, on `clock`; default 15 s (it dials the device first). */
  readonly timeoutMs?: number;
  readonly clock: Clock;
  /** Gives up before the peer answers; no effect after. */
  readonly signal?: AbortSignal;
}

const maxRefusalBytes = 16 * 1024;

function connectTo(url: URL): Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'http:') return net.connect({ host, port: Number(url.port || 80), allowHalfOpen: true, noDelay: true });
  return connectHalfOpenTls({ host, port: Number(url.port || 443), ...(net.isIP(host) === 0 ? { servername: host } : {}) });
}

/** The peer's answer to the upgrade at `url`; rejects with unavailable when it gives none. */
export function requestPeerStream(url: URL, options: PeerStreamOptions): Promise<PeerStreamAnswer> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const outgoing = request({
      method: 'GET',
      path: `${url.pathname}${url.search}`,
      headers: { ...options.headers, host: url.host, connection: 'Upgrade', upgrade: options.protocol },
      createConnection: () => connectTo(url),
    });
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      deadline.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (why: string, details: readonly string[] = []): void => {
      if (!settle()) return;
      outgoing.destroy();
      reject(new TetherError('unavailable', `the hub node at ${url.origin} did not open the stream: ${why}`, details));
    };
    const onAbort = (): void => fail('given up');
    const { clock } = options;
    const deadline = clock.at(new Date(clock.now().getTime() + timeoutMs), () => fail(`no answer within ${timeoutMs} ms`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted === true) onAbort();
    outgoing.once('upgrade', (response, socket, head) => {
      if (!settle()) {
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      if (head.length > 0) socket.unshift(head);
      resolve({ kind: 'upgraded', socket, headers: response.headers });
    });
    outgoing.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < maxRefusalBytes) body += chunk;
      });
      response.once('end', () => {
        if (settle()) resolve({ kind: 'refused', status: response.statusCode ?? 0, body: body.slice(0, maxRefusalBytes) });
      });
      response.once('error', (error) => fail(error.message));
    });
    outgoing.on('error', (error) => fail(error.message, isUntrustedCertificate(error) ? [untrustedPeerCertificate] : []));
    outgoing.end();
  });
}
