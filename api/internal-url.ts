// The address a node's peers can call it on, recorded in its lease. Without --internal-url it
// is the address the node listens on: right on one machine; across machines, or behind a
// wildcard bind address, the operator gives the reachable one.
import type { AddressInfo } from 'node:net';

/** `http(s)://host:port` of a listening server; '' while it does not listen on TCP. */
export function listeningUrl(address: AddressInfo | string | null, tls: boolean): string {
  if (address === null || typeof address === 'string') return '';
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`;
}
