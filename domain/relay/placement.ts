// Where a new session goes: a reporting, approved relay (the hub itself counts as one) with
// spare capacity, least loaded first: fewest live sessions, then most room left, then by name,
// so that equal relays fill in a stable order.
import { TetherError } from '../errors.js';

export interface PlacementCandidate {
  readonly name: string;
  /** Registered (the hub is always). */
  readonly known: boolean;
  /** Reporting, and its control channel is connected to this hub. */
  readonly reporting: boolean;
  readonly approved: boolean;
  /** Live sessions on it now. */
  readonly load: number;
  /** maxSessions (the hub: its port range). */
  readonly capacity: number;
}

const eligible = (candidate: PlacementCandidate): boolean =>
  candidate.known && candidate.reporting && candidate.approved && candidate.load < candidate.capacity;

const byLoad = (a: PlacementCandidate, b: PlacementCandidate): number =>
  a.load - b.load || b.capacity - b.load - (a.capacity - a.load) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The relay for a new session; `wanted`: the one the request named. Throws what the request should be told. */
export function placeSession(candidates: readonly PlacementCandidate[], wanted?: string): string {
  if (wanted !== undefined) {
    const candidate = candidates.find((c) => c.name === wanted);
    if (candidate === undefined || !candidate.known) throw new TetherError('not_found', `relay ${wanted} not found`, ['body.relay']);
    if (!candidate.reporting) {
      throw new TetherError('relay_offline', `relay ${wanted} is not reporting: the session cannot start on it`, ['body.relay']);
    }
    if (!candidate.approved) {
      throw new TetherError('transition_forbidden', `relay ${wanted} is not approved: an admin approves it first`, ['body.relay']);
    }
    if (candidate.load >= candidate.capacity) {
      throw new TetherError('no_relay_available', `relay ${wanted} carries its maxSessions (${candidate.capacity}) already`, ['body.relay']);
    }
    return wanted;
  }
  const [best] = candidates.filter(eligible).sort(byLoad);
  if (best === undefined) {
    throw new TetherError('no_relay_available', 'no relay is reporting, approved and below its maxSessions: the session cannot start now');
  }
  return best.name;
}
