// Source pinning (seed: "only allow a client with the set host:port combination ... Otherwise,
// the first client connected will inherit the device link"), decided on canonical addresses:
// - with `source`: only a client from one of the source's addresses AND from source.port, for
//   both protocols. A TCP client must then bind that local port (it is usually ephemeral); the
//   requester chose the port, so ignoring it would silently allow more than was asked.
// - without: the first client pins the link for its whole life: its host for TCP (a client's
//   port changes per connection), its host and port for UDP (one socket, one address).
import { canonicalHost } from './address.js';
import type { LinkProtocol, LinkSource } from './link-fields.js';

export interface ClientAddress {
  readonly host: string;
  readonly port: number;
}

/** Who may use a link: one of `addresses` (canonical), from `port` when set. */
export interface ClientPin {
  readonly addresses: readonly string[];
  readonly port?: number;
}

/** Refusals are recorded once per peer and for at most this many peers, so a scan cannot flood the store. */
export const maxRecordedRefusals = 32;

export const pinFromSource = (source: LinkSource, addresses: readonly string[]): ClientPin => ({
  addresses: addresses.map(canonicalHost),
  port: source.port,
});

export const pinToClient = (protocol: LinkProtocol, client: ClientAddress): ClientPin =>
  protocol === 'udp' ? { addresses: [canonicalHost(client.host)], port: client.port } : { addresses: [canonicalHost(client.host)] };

/** A link not pinned yet admits anyone: the first client then pins it. */
export const admits = (pin: ClientPin | undefined, client: ClientAddress): boolean =>
  pin === undefined || (pin.addresses.includes(canonicalHost(client.host)) && (pin.port === undefined || pin.port === client.port));

/** How refused peers are told apart: a TCP client's port changes per connection, so by host only. */
export const peerKey = (protocol: LinkProtocol, client: ClientAddress): string =>
  protocol === 'udp' ? `${canonicalHost(client.host)} ${client.port}` : canonicalHost(client.host);

export interface AdmissionState {
  readonly protocol: LinkProtocol;
  readonly pin?: ClientPin;
  readonly refusedPeers: readonly string[];
}

export type Admission =
  | { readonly verdict: 'attach'; readonly pins: boolean }
  /** `recorded`: whether this refusal is appended (first refusal of this peer, within the bound). */
  | { readonly verdict: 'refuse'; readonly recorded: boolean };

/** What the link does with a client: the host asks before it lets a byte through. */
export function admissionOf(state: AdmissionState, client: ClientAddress): Admission {
  if (admits(state.pin, client)) return { verdict: 'attach', pins: state.pin === undefined };
  const key = peerKey(state.protocol, client);
  return { verdict: 'refuse', recorded: !state.refusedPeers.includes(key) && state.refusedPeers.length < maxRecordedRefusals };
}
