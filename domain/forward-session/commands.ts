import type { ForwardOpened } from './events.js';
import type { TerminationCause } from '../tunnel/termination-cause.js';

export interface ForwardTraffic {
  readonly bytesToTarget: number;
  readonly bytesFromTarget: number;
}

export interface ForwardClient {
  readonly streamId: string;
  readonly clientHost: string;
  readonly clientPort: number;
}

type OpenedFields = Omit<ForwardOpened['data'], 'requestedBy' | 'createdTime'>;

// Who opens the session and when come from the decision context.
export type ForwardCommand =
  /** `firstClient`: a proxy's session is one client connection, attached at once. */
  | ({ readonly type: 'OpenForward'; readonly firstClient?: ForwardClient } & OpenedFields)
  | ({ readonly type: 'AttachForwardStream' } & ForwardClient)
  | { readonly type: 'OpenForwardStream'; readonly streamId: string; readonly agentIP?: string }
  | ({ readonly type: 'CloseForwardStream'; readonly streamId: string; readonly cause: TerminationCause } & ForwardTraffic)
  | ({ readonly type: 'RecordForwardTraffic' } & ForwardTraffic)
  | ({ readonly type: 'CloseForward'; readonly cause: TerminationCause } & ForwardTraffic);
