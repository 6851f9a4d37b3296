import * as t from 'io-ts';

/**
 * An auditor account. `tenants`: the only tenants it may read; absent, it reads every tenant.
 * The password is a scrypt hash, never in clear.
 */
export const AuditorCreated = t.type({
  type: t.literal('AuditorCreated'),
  data: t.intersection([
    t.type({ auditorId: t.string, name: t.string, passwordHash: t.string }),
    t.partial({ tenants: t.array(t.string) }),
  ]),
});
export type AuditorCreated = t.TypeOf<typeof AuditorCreated>;

export const AuditorPasswordChanged = t.type({
  type: t.literal('AuditorPasswordChanged'),
  data: t.type({ auditorId: t.string, passwordHash: t.string }),
});
export type AuditorPasswordChanged = t.TypeOf<typeof AuditorPasswordChanged>;

/** For good: a disabled auditor can no longer log in, and its id is not given out again. */
export const AuditorDisabled = t.type({
  type: t.literal('AuditorDisabled'),
  data: t.type({ auditorId: t.string }),
});
export type AuditorDisabled = t.TypeOf<typeof AuditorDisabled>;

export const AuditorEvent = t.union([AuditorCreated, AuditorPasswordChanged, AuditorDisabled]);
export type AuditorEvent = t.TypeOf<typeof AuditorEvent>;
