// A device's live control connection as the supervisor sees it. The gateway adapts a socket
// into it, so actors/ never holds a socket library's types and machines never hold sockets.
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
