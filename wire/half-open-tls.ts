// A TLS connection that allows half-open, as every stream's connection does: a FIN ends one
// direction only, and the other keeps carrying bytes until it ends too.
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';

// TLSSocket honours allowHalfOpen, though tls.ConnectionOptions does not declare it.
type HalfOpenTlsOptions = tls.ConnectionOptions & { readonly allowHalfOpen: boolean };

export function connectHalfOpenTls(options: tls.ConnectionOptions): TLSSocket {
  const halfOpen: HalfOpenTlsOptions = { ...options, allowHalfOpen: true };
  return tls.connect(halfOpen);
}
