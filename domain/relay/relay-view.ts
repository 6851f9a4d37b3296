// A relay as the API shows it: the seed's GAS Thing properties and Tether's approval. The
// token is never shown, not even its hash.
import type { RelayState } from './decide.js';

export interface RelayView {
  readonly name: string;
  readonly state: 'registered' | 'deleted';
  readonly description: string;
  readonly hostName: string;
  readonly externalHostName: string | null;
  readonly alternateHostName: string | null;
  readonly port: number;
  readonly maxSessions: number;
  readonly currentNumberOfSessions: number;
  readonly isReporting: boolean;
  readonly approved: boolean;
  /** How it was approved: by an admin, or by presenting the hub's join secret. */
  readonly approvedVia: 'admin' | 'join-secret' | null;
  /** False after an admin reset its token, until it registers again. */
  readonly hasToken: boolean;
  readonly firstRegistrationDate: string | null;
  readonly lastRegistrationDate: string | null;
  readonly lastConnectionTime: string | null;
}

/** The view of a relay that was ever registered; undefined before its first registration. */
export function relayView(state: RelayState): RelayView | undefined {
  if (state.matches('absent')) return undefined;
  const { context } = state;
  return {
    name: context.name,
    state: state.matches('deleted') ? 'deleted' : 'registered',
    description: context.description,
    hostName: context.hostName,
    externalHostName: context.externalHostName ?? null,
    alternateHostName: context.alternateHostName ?? null,
    port: context.port,
    maxSessions: context.maxSessions,
    currentNumberOfSessions: context.currentNumberOfSessions,
    isReporting: context.isReporting,
    approved: context.approved,
    approvedVia: context.approvedVia ?? null,
    hasToken: context.tokenHash !== undefined,
    firstRegistrationDate: context.firstRegistrationDate ?? null,
    lastRegistrationDate: context.lastRegistrationDate ?? null,
    lastConnectionTime: context.lastConnectionTime ?? null,
  };
}
