// Reaching a target from the hub: a plain TCP connection, or TLS to it with the certificate
// chain and name verified (against the system's roots, or a private CA given as `ca`). The
// same TLS can run over a connection a device dialled back (tcp-over-device with TLS), so
// the device only ever sees ciphertext.
import net from 'node:net';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { TetherError } from '../domain/errors.js';
import type { TargetTls } from '../domain/forward-session/target-fields.js';
import { isIPLiteral } from '../domain/tunnel/address.js';
import { connectHalfOpenTls } from '../wire/half-open-tls.js';

export interface TargetAddress {
  readonly host: string;
  readonly port: number;
  readonly tls?: TargetTls;
}

const defaultConnectTimeoutMs = 10_000;

const shown = (target: { readonly host: string; readonly port: number }): string =>
  `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;

function tlsOptions(host: string, settings: TargetTls): ConnectionOptions {
  const name = settings.servername ?? host;
  return {
    host: name,
    // SNI carries names only; an IP address is checked against the certificate's IP entries.
    ...(isIPLiteral(name) ? {} : { servername: name }),
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    rejectUnauthorized: settings.verify !== false,
  };
}

/** Resolves once `ready` fires; any error (or the timeout) before that rejects with `target-refused` wording. */
function whenReady<S extends Socket>(socket: S, ready: string, target: TargetAddress, timeoutMs: number): Promise<S> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onError = (error: Error): void => {
      clearTimeout(timer);
      const code = (error as NodeJS.ErrnoException).code;
      const what = target.tls === undefined ? 'cannot reach' : 'cannot reach (over TLS)';
      reject(new TetherError('unavailable', `${what} ${shown(target)}: ${error.message}${code === undefined || error.message.includes(code) ? '' : ` (${code})`}`));
    };
    socket.once('error', onError);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/** A connection to the target, TLS when `target.tls` is set; rejects with `unavailable` when it cannot be reached or verified. */
export function connectTarget(target: TargetAddress, timeoutMs = defaultConnectTimeoutMs): Promise<Socket> {
  if (target.tls === undefined) {
    const socket = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    return whenReady(socket, 'connect', target, timeoutMs);
  }
  const socket = connectHalfOpenTls({ ...tlsOptions(target.host, target.tls), host: target.host, port: target.port });
  socket.setNoDelay(true);
  return whenReady(socket, 'secureConnect', target, timeoutMs);
}

/** TLS to `target` over a connection that already leads there (a device's dial-back). */
export function tlsOver(socket: Socket, target: TargetAddress & { readonly tls: TargetTls }, timeoutMs = defaultConnectTimeoutMs): Promise<Socket> {
  const secured = connectHalfOpenTls({ ...tlsOptions(target.host, target.tls), socket });
  return whenReady(secured, 'secureConnect', target, timeoutMs).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
}
