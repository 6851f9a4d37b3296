import * as t from 'io-ts';

/**
 * The node holds its lease until `expiresAt` (ISO time): it renews it every fraction of
 * `leaseMs`. `address`: where peers can call the node (its internal URL).
 */
export const NodeLeaseRenewed = t.type({
  type: t.literal('NodeLeaseRenewed'),
  data: t.type({ address: t.string, leaseMs: t.number, expiresAt: t.string }),
});
export type NodeLeaseRenewed = t.TypeOf<typeof NodeLeaseRenewed>;

/** The node shut down cleanly, having ended what it held itself: peers have nothing to do. */
export const NodeLeaseEnded = t.type({
  type: t.literal('NodeLeaseEnded'),
  data: t.type({ at: t.string }),
});
export type NodeLeaseEnded = t.TypeOf<typeof NodeLeaseEnded>;

/**
 * The lease ran out without a renewal: node `by` declared this node lost and ends what it
 * held (cause hub-lost). Appended with an expected revision, so one peer does it.
 */
export const NodeLost = t.type({
  type: t.literal('NodeLost'),
  data: t.type({ by: t.string, expiredAt: t.string, at: t.string }),
});
export type NodeLost = t.TypeOf<typeof NodeLost>;

export const NodeEvent = t.union([NodeLeaseRenewed, NodeLeaseEnded, NodeLost]);
export type NodeEvent = t.TypeOf<typeof NodeEvent>;
