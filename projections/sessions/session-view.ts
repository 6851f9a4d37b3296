import type { SessionRecord } from '../../domain/tunnel/session-record.js';

/** What opened the session: a tunnel, a connection of a proxy profile, a connection of a protocol application. */
export type SessionKind = 'devicelink' | 'proxy' | 'protocol-app';

export const sessionKinds: readonly SessionKind[] = ['devicelink', 'proxy', 'protocol-app'];

/** A remote session as auditors and dashboards read it: the link's record and its kind. */
export interface SessionView extends SessionRecord {
  readonly kind: SessionKind;
  /** Sessions of a proxy: the profile's id. */
  readonly proxyId?: string;
  /** Sessions of a protocol application: the application's id. */
  readonly appId?: string;
  /** Proxies and applications: the proxy's protocol or the application's type (`tcp-over-device`, `dtt-reverse`, ...). */
  readonly mode?: string;
  /** Proxies and applications: where the bytes go, `host:port` as seen from `endpoint` (or from the device, or the hub). */
  readonly target?: string;
  /** dtt-reverse: the target endpoint, `hub` or the MAC of a service endpoint. */
  readonly endpoint?: string;
  /** Proxies and applications: TLS runs to the target. */
  readonly tls?: boolean;
}
