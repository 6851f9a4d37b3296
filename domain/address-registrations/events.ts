import * as t from 'io-ts';

/**
 * The address is registering `key` (a MAC never seen before, a relay name with no token): it
 * counts in the window that started at `windowStartedAt` (ISO time). Taken before the
 * registration's own event is.
 */
export const RegistrationCounted = t.type({
  type: t.literal('RegistrationCounted'),
  data: t.type({ key: t.string, windowStartedAt: t.string }),
});
export type RegistrationCounted = t.TypeOf<typeof RegistrationCounted>;

/** The registration of `key` stored nothing: it no longer counts. */
export const RegistrationGivenBack = t.type({
  type: t.literal('RegistrationGivenBack'),
  data: t.type({ key: t.string }),
});
export type RegistrationGivenBack = t.TypeOf<typeof RegistrationGivenBack>;

export const RegistrationsEvent = t.union([RegistrationCounted, RegistrationGivenBack]);
export type RegistrationsEvent = t.TypeOf<typeof RegistrationsEvent>;
