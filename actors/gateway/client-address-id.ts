import { createHash } from 'node:crypto';

/** A client address as a stream id: any address (an IPv6 zone, a proxy's notation) makes a valid stream name, and none is stored in clear. */
export const clientAddressId = (client: string): string => createHash('sha256').update(client).digest('hex').slice(0, 32);
