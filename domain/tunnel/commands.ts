import type { Mac } from '../device/mac.js';
import type { LinkProtocol, LinkSource } from './link-fields.js';
import type { TerminationCause } from './termination-cause.js';

// Commands carry no secret: the link token arrives as the SHA-256 of its secret, and the AES
// key stays with the live link (domain/ only learns that the link is `encrypted`). Who opens
// the link and when come from the decision context.
export type TunnelCommand =
  | {
      readonly type: 'OpenTunnel';
      readonly tunnelId: string;
      readonly device: Mac;
      readonly tenantId: string;
      readonly protocol: LinkProtocol;
      readonly devicePort: number;
      /** UDP idle timeout in ms; a TCP link has none. */
      readonly timeout?: number;
      /** TCP lifetime in ms: the link is due to close at its open plus this (expiresAt); a UDP link has none. */
      readonly lifetime?: number;
      readonly source?: LinkSource;
      /** When source.host is a host name: the IP addresses it resolved to (resolving is I/O, done by the caller). */
      readonly sourceAddresses?: readonly string[];
      readonly encrypted: boolean;
      /** The client-facing port and the address it is bound to. */
      readonly port: number;
      readonly host: string;
      /** `hub`, or the name of the relay holding the port. */
      readonly relay: string;
      /** The hub node holding the port (relay `hub`). */
      readonly node?: string;
      readonly userIP?: string;
      readonly tokenHash: string;
    }
  /** A TCP client connected, or a UDP client sent its first datagram; `streamId` is a fresh UUID. */
  | {
      readonly type: 'AttachClient';
      readonly streamId: string;
      readonly clientHost: string;
      readonly clientPort: number;
      /** The device's control connection the stream will be asked on. */
      readonly agentIP?: string;
    }
  | { readonly type: 'OpenStream'; readonly streamId: string; readonly agentIP?: string }
  | {
      readonly type: 'CloseStream';
      readonly streamId: string;
      readonly cause: TerminationCause;
      readonly bytesToDevice: number;
      readonly bytesFromDevice: number;
      /** A TCP stream's device side was reached (its dial-back arrived). */
      readonly reachedDevice?: boolean;
    }
  /** Cumulative totals of the whole link (closed streams included). */
  | { readonly type: 'RecordTraffic'; readonly bytesToDevice: number; readonly bytesFromDevice: number }
  /** The seed's session fields as the relay holding the link reports them; each one given replaces the recorded one. */
  | (RelayReport & { readonly type: 'RecordRelayReport' })
  /**
   * Final totals of the whole link: exactly the bytes that crossed. `endTime`: as its relay
   * reports it (default now), and `reported` its other fields, recorded with the end or not at all.
   */
  | {
      readonly type: 'CloseTunnel';
      readonly cause: TerminationCause;
      readonly bytesToDevice: number;
      readonly bytesFromDevice: number;
      readonly endTime?: string;
      readonly reported?: RelayReport;
    };

export interface RelayReport {
  readonly agentIP?: string;
  readonly userIP?: string;
  readonly createdTime?: string;
}
