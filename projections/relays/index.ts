export { relayChanged, relaysProjection } from './relays-projection.js';
export { getRelay, listRelays, type ListRelaysOptions } from './relay-queries.js';
