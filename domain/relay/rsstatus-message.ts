// The seed's relay messages (relay-registration.txt): what a relay POSTs to /remote/rsstatus,
// and the answer. Field types are checked here; which fields a message must populate, and
// how, is the decider's (each missing field has its own failure reason). `null` is taken as
// "not populated", as a GAS may send it.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { RelayFailureReason } from './failure-reason.js';

const Text = t.union([t.string, t.null]);
const Count = t.union([t.number, t.null]);

/** One session as a status reports it: the seed's remote-session fields (and Tether's per-direction totals). */
export const RelaySessionStatus = t.intersection([
  t.type({ id: t.string }),
  t.partial({
    agentIP: Text,
    userIP: Text,
    createdTime: Text,
    endTime: Text,
    terminationCause: Text,
    bytesTransferred: Count,
    bytesToDevice: Count,
    bytesFromDevice: Count,
  }),
]);
export type RelaySessionStatus = t.TypeOf<typeof RelaySessionStatus>;

export const RsStatusType = t.keyof({ register: null, unregister: null, status: null });
export type RsStatusType = t.TypeOf<typeof RsStatusType>;

const RsStatusBody = t.intersection([
  t.type({ type: RsStatusType, name: t.string }),
  t.partial({
    description: Text,
    hostName: Text,
    externalHostName: Text,
    alternateHostName: Text,
    port: Count,
    maxSessions: Count,
    token: Text,
    currentNumberOfSessions: Count,
    /** Entries are checked one by one: a bad one is logged, as the seed says, and the rest apply. */
    sessions: t.array(t.unknown),
    /** Tether's: the hub's relay join secret, which approves the relay at its registration. */
    joinSecret: Text,
  }),
]);

/** A message with every unpopulated field absent. */
export interface RsStatusMessage {
  readonly type: RsStatusType;
  readonly name: string;
  readonly description?: string;
  readonly hostName?: string;
  readonly externalHostName?: string;
  readonly alternateHostName?: string;
  readonly port?: number;
  readonly maxSessions?: number;
  readonly token?: string;
  readonly currentNumberOfSessions?: number;
  readonly sessions?: readonly unknown[];
  readonly joinSecret?: string;
}

export function decodeRsStatusMessage(body: unknown): Either<RelayFailureReason, RsStatusMessage> {
  const decoded = RsStatusBody.decode(body);
  if (isLeft(decoded)) return left('invalid-message');
  const populated = Object.entries(decoded.right).filter(([, value]) => value !== null && value !== undefined);
  return right(Object.fromEntries(populated) as unknown as RsStatusMessage);
}

/** SUCCESS reasons: what the hub made of the message. */
export type RsStatusSuccess = 'registered' | 'pending-approval' | 'unregistered' | 'status-recorded';

export interface RsStatusReply {
  readonly result: 'SUCCESS' | 'FAILURE';
  readonly reason: RsStatusSuccess | RelayFailureReason;
  /** For people: what failed, or what is awaited. */
  readonly message?: string;
}

export const RsStatusReplyCodec = t.intersection([
  t.type({ result: t.keyof({ SUCCESS: null, FAILURE: null }), reason: t.string }),
  t.partial({ message: t.string }),
]);
