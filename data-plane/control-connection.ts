// A device's live control connection as the device supervisor and the data plane see it (on a
// relay, the hub's control channel stands in for it: relay-links.ts). The gateway adapts a
// WebSocket into it, so neither actors/ nor data-plane/ holds the socket library's types and
// machines never hold sockets.
import type { ClosingCause, HubMessage } from '../domain/gateway/hub-messages.js';

export interface ControlConnection {
  /** Unique per connection; recorded in DeviceConnected. */
  readonly connectionId: string;
  /** The peer address as the socket reports it. */
  readonly ip: string;
  /** False once closing or closed: nothing sent then arrives. */
  readonly open: boolean;
  send(message: HubMessage): void;
  /** Tells the device why (`closing {cause}`), then closes the connection. */
  close(cause: ClosingCause): void;
}
