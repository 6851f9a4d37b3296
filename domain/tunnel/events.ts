import * as t from 'io-ts';
import { Mac } from '../device/mac.js';
import { Role } from '../principal.js';
import { ByteCount, LinkProtocol, LinkSource, Port, TimeoutMs } from './link-fields.js';
import { TerminationCause } from './termination-cause.js';

/**
 * A DeviceLink was opened: `port` on `host` (the bind address) of the hub or of relay `relay`
 * now leads to `devicePort` on the device. Never the AES key or IV: only `encrypted`; never the
 * token: only the SHA-256 of its secret. `sourceAddresses`: the canonical IP addresses the
 * source host stood for when the link opened (resolved once, so pinning never depends on DNS
 * later). `userIP`: where the API request came from.
 */
export const TunnelOpened = t.type({
  type: t.literal('TunnelOpened'),
  data: t.intersection([
    t.type({
      tunnelId: t.string,
      device: Mac,
      tenantId: t.string,
      protocol: LinkProtocol,
      devicePort: Port,
      encrypted: t.boolean,
      port: Port,
      host: t.string,
      relay: t.string,
      requestedBy: t.type({ id: t.string, role: Role }),
      tokenHash: t.string,
      createdTime: t.string,
    }),
    // node: the hub node holding the port when relay is `hub`, so a restarted node can close what its crash left open.
    // lifetime and expiresAt: a TCP link's lifetime and the deadline it gives, durable so the decider refuses clients past it whether or not a timer is armed.
    t.partial({
      timeout: TimeoutMs,
      lifetime: TimeoutMs,
      expiresAt: t.string,
      source: LinkSource,
      sourceAddresses: t.array(t.string),
      userIP: t.string,
      node: t.string,
    }),
  ]),
});
export type TunnelOpened = t.TypeOf<typeof TunnelOpened>;

/**
 * A client connection (TCP) or the client's first datagram (UDP) became stream `streamId`: for
 * TCP this is the stream's open, and the device is asked for it now. `pinned`: this client
 * pinned the link to itself (the first client of a link without source). `agentIP`: the
 * device's control connection as the hub sees it, the one the stream is asked on.
 */
export const TunnelClientAttached = t.type({
  type: t.literal('TunnelClientAttached'),
  data: t.intersection([
    t.type({ streamId: t.string, clientHost: t.string, clientPort: Port, pinned: t.boolean }),
    t.partial({ agentIP: t.string }),
  ]),
});
export type TunnelClientAttached = t.TypeOf<typeof TunnelClientAttached>;

export const ClientRefusalReason = t.literal('not-the-pinned-client');
export type ClientRefusalReason = t.TypeOf<typeof ClientRefusalReason>;

/** A client the link is not pinned to was turned away (recorded once per peer, see admission.ts). */
export const TunnelClientRefused = t.type({
  type: t.literal('TunnelClientRefused'),
  data: t.type({ clientHost: t.string, clientPort: Port, reason: ClientRefusalReason }),
});
export type TunnelClientRefused = t.TypeOf<typeof TunnelClientRefused>;

/**
 * The agent reached the device port for this stream; bytes may flow. `agentIP`: the device as
 * the hub saw it. Recorded for UDP streams; TCP streams recorded it until the attach took its
 * place (their close says `reachedDevice` instead), and their stored ones still replay.
 */
export const TunnelStreamOpened = t.type({
  type: t.literal('TunnelStreamOpened'),
  data: t.intersection([t.type({ streamId: t.string }), t.partial({ agentIP: t.string })]),
});
export type TunnelStreamOpened = t.TypeOf<typeof TunnelStreamOpened>;

/** One stream ended; its final byte counts per direction, and (TCP) whether the device side was ever reached. */
export const TunnelStreamClosed = t.type({
  type: t.literal('TunnelStreamClosed'),
  data: t.intersection([
    t.type({ streamId: t.string, cause: TerminationCause, bytesToDevice: ByteCount, bytesFromDevice: ByteCount }),
    t.partial({ reachedDevice: t.boolean }),
  ]),
});
export type TunnelStreamClosed = t.TypeOf<typeof TunnelStreamClosed>;

/** The link's cumulative byte totals so far, appended at a bounded rate by the host, not per chunk. */
export const TunnelTrafficRecorded = t.type({
  type: t.literal('TunnelTrafficRecorded'),
  data: t.type({ bytesToDevice: ByteCount, bytesFromDevice: ByteCount }),
});
export type TunnelTrafficRecorded = t.TypeOf<typeof TunnelTrafficRecorded>;

/**
 * The relay holding the link reported, in its status, remote-session fields other than the
 * recorded ones (the seed's agentIP, userIP, createdTime): they replace them. An address as
 * the relay saw it (canonical), a time by the relay's clock (an ISO instant).
 */
export const TunnelRelayReported = t.type({
  type: t.literal('TunnelRelayReported'),
  data: t.partial({ agentIP: t.string, userIP: t.string, createdTime: t.string }),
});
export type TunnelRelayReported = t.TypeOf<typeof TunnelRelayReported>;

/**
 * The link ended, with every stream still live (they end with it, for the same cause).
 * The totals are final: exactly the bytes that crossed, in each direction and together.
 */
export const TunnelClosed = t.type({
  type: t.literal('TunnelClosed'),
  data: t.type({
    cause: TerminationCause,
    endTime: t.string,
    bytesToDevice: ByteCount,
    bytesFromDevice: ByteCount,
    bytesTransferred: ByteCount,
  }),
});
export type TunnelClosed = t.TypeOf<typeof TunnelClosed>;

export const TunnelEvent = t.union([
  TunnelOpened,
  TunnelClientAttached,
  TunnelClientRefused,
  TunnelStreamOpened,
  TunnelStreamClosed,
  TunnelTrafficRecorded,
  TunnelRelayReported,
  TunnelClosed,
]);
export type TunnelEvent = t.TypeOf<typeof TunnelEvent>;
