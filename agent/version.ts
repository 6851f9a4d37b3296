/** Sent in every hello, so the hub can tell which agents need an update. */
export const agentVersion = '0.1.0';
