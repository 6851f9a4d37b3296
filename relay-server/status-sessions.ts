// What one status lists of a relay's sessions. The hub refuses a status listing more than the
// relay's maxSessions (and than maxSessionsPerStatus): live sessions go first, since their
// traffic is only ever reported here; ended ones that do not fit wait for the next status (the
// control channel reported their end already).
import { maxSessionsPerStatus } from '../domain/relay/decide.js';

export function fitStatus<S>(live: readonly S[], ended: readonly S[], maxSessions: number): { readonly listed: readonly S[]; readonly waiting: readonly S[] } {
  const room = Math.min(maxSessions, maxSessionsPerStatus);
  const listedLive = live.slice(0, room);
  const fits = Math.max(0, room - listedLive.length);
  return { listed: [...listedLive, ...ended.slice(0, fits)], waiting: ended.slice(fits) };
}
