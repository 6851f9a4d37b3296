import { createHash } from 'node:crypto';

/**
 * A client address as a stream id: any address (an IPv6 zone, a proxy's notation) makes a valid
 * stream name, and the name does not carry the address. The events' metadata still records the
 * caller's address, as it does for every command (event-chain.ts).
 */
export const clientAddressId = (client: string): string => createHash('sha256').update(client).digest('hex').slice(0, 32);
