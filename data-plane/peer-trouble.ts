// Failures to use a peer hub node that only the operator can mend: the peer's certificate is not
// trusted here, or the peer refuses this node's forwarding marker. Forwarded requests and streams
// through a peer's device meet them alike, and log them alike: at error, saying what to do.
import { isTetherError } from '../domain/errors.js';
import type { TunnelLogger } from './live-tunnel.js';

export type PeerTrouble = 'certificate-untrusted' | 'marker-refused';

/** The detail of an unavailable error whose peer's certificate this node does not trust. */
export const untrustedPeerCertificate = 'peer-certificate-untrusted';

/** The error codes of a certificate this node cannot verify. */
const tlsTrouble = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

const hints: Readonly<Record<PeerTrouble, string>> = {
  'certificate-untrusted': "this node does not trust the certificate of a peer's https internal URL: start it with NODE_EXTRA_CA_CERTS naming the CA that signed it",
  'marker-refused': 'a peer hub node refused a request or stream this node forwarded to it: check that every node has the same TETHER_TOKEN_SECRET and synchronised clocks',
};

/** Whether a connection to a peer failed on its certificate. */
export const isUntrustedCertificate = (error: Error): boolean => tlsTrouble.test((error as NodeJS.ErrnoException).code ?? '');

/** The trouble a failed stream through a peer met, when the operator must act on it. */
export function peerTroubleOf(error: unknown): PeerTrouble | undefined {
  if (isTetherError(error, 'forwarding_refused')) return 'marker-refused';
  if (isTetherError(error, 'unavailable') && error.details.includes(untrustedPeerCertificate)) return 'certificate-untrusted';
  return undefined;
}

/** Logs the trouble at error, with what the operator must do about it. */
export function logPeerTrouble(logger: Pick<TunnelLogger, 'error'>, trouble: PeerTrouble, details: object): void {
  logger.error(details, hints[trouble]);
}
