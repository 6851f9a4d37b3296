import type { SessionRecord } from '../../domain/tunnel/session-record.js';

/** What opened the session. Proxies and protocol applications add their kinds here. */
export type SessionKind = 'devicelink';

export const sessionKinds: readonly SessionKind[] = ['devicelink'];

/** A remote session as auditors and dashboards read it: the link's record and its kind. */
export interface SessionView extends SessionRecord {
  readonly kind: SessionKind;
}
