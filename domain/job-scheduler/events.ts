import * as t from 'io-ts';

/** Node `nodeId` schedules the jobs of the stream's kind until `expiresAt` (ISO time), unless it renews. */
export const SchedulerLeaseHeld = t.type({
  type: t.literal('SchedulerLeaseHeld'),
  data: t.type({ nodeId: t.string, expiresAt: t.string, at: t.string }),
});
export type SchedulerLeaseHeld = t.TypeOf<typeof SchedulerLeaseHeld>;

/** The holder let the lease go (no job of the kind needs a scheduler, or a clean shutdown): another node may take it at once. */
export const SchedulerLeaseReleased = t.type({
  type: t.literal('SchedulerLeaseReleased'),
  data: t.type({ nodeId: t.string, at: t.string }),
});
export type SchedulerLeaseReleased = t.TypeOf<typeof SchedulerLeaseReleased>;

export const SchedulerLeaseEvent = t.union([SchedulerLeaseHeld, SchedulerLeaseReleased]);
export type SchedulerLeaseEvent = t.TypeOf<typeof SchedulerLeaseEvent>;
