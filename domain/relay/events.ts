import * as t from 'io-ts';
import { Port } from '../tunnel/link-fields.js';

/**
 * The relay registered (the seed's "register" message). `first`: the name had no stored token
 * (never registered, deleted since, or its token was reset), so this registration's token is
 * the one every later message must present; only its SHA-256 is stored. `registeredAt` is the
 * seed's lastRegistrationDate, and its firstRegistrationDate too when the relay is new.
 * `reportingUntil`: the relay counts as not reporting from then on unless it reports again.
 */
export const RelayRegistered = t.type({
  type: t.literal('RelayRegistered'),
  data: t.intersection([
    t.type({
      name: t.string,
      description: t.string,
      hostName: t.string,
      port: Port,
      maxSessions: t.number,
      tokenHash: t.string,
      first: t.boolean,
      registeredAt: t.string,
      reportingUntil: t.string,
    }),
    t.partial({ externalHostName: t.string, alternateHostName: t.string }),
  ]),
});
export type RelayRegistered = t.TypeOf<typeof RelayRegistered>;

export const ApprovalRoute = t.keyof({ admin: null, 'join-secret': null });
export type ApprovalRoute = t.TypeOf<typeof ApprovalRoute>;

/** The relay may carry sessions: an admin approved it, or it presented the hub's join secret. */
export const RelayApproved = t.type({ type: t.literal('RelayApproved'), data: t.type({ via: ApprovalRoute }) });
export type RelayApproved = t.TypeOf<typeof RelayApproved>;

/** The relay said it leaves (the seed's "unregister"): isReporting false; it stays known. */
export const RelayUnregistered = t.type({ type: t.literal('RelayUnregistered'), data: t.type({}) });
export type RelayUnregistered = t.TypeOf<typeof RelayUnregistered>;

/**
 * A status ("ping"): the seed's lastConnectionTime and currentNumberOfSessions. Recorded when
 * the count changes or the relay was not reporting, else at most once per half heartbeat timeout.
 */
export const RelayStatusReported = t.type({
  type: t.literal('RelayStatusReported'),
  data: t.type({ currentNumberOfSessions: t.number, lastConnectionTime: t.string, reportingUntil: t.string }),
});
export type RelayStatusReported = t.TypeOf<typeof RelayStatusReported>;

/** No register or status came before `reportingUntil`: the relay is not reporting, but stays registered. */
export const RelayStoppedReporting = t.type({
  type: t.literal('RelayStoppedReporting'),
  data: t.type({ cause: t.literal('heartbeat-missed'), reportingUntil: t.string }),
});
export type RelayStoppedReporting = t.TypeOf<typeof RelayStoppedReporting>;

/** An admin let a replaced machine register with a new token: the stored token is gone, and with it the approval. */
export const RelayTokenReset = t.type({ type: t.literal('RelayTokenReset'), data: t.type({}) });
export type RelayTokenReset = t.TypeOf<typeof RelayTokenReset>;

/** An admin deregistered the relay: a later register starts it afresh (new token, approval needed again). */
export const RelayDeleted = t.type({ type: t.literal('RelayDeleted'), data: t.type({}) });
export type RelayDeleted = t.TypeOf<typeof RelayDeleted>;

export const RelayEvent = t.union([
  RelayRegistered,
  RelayApproved,
  RelayUnregistered,
  RelayStatusReported,
  RelayStoppedReporting,
  RelayTokenReset,
  RelayDeleted,
]);
export type RelayEvent = t.TypeOf<typeof RelayEvent>;
