// Commands on one client address's registrations of one kind, stream `registrations-<kind>.<address id>`.
export type RegistrationsCommand =
  /** Counts `key` in the current window (or one that starts now, lasting `windowMs`) unless `limit` are counted in it: rate_limited then. */
  | { readonly type: 'CountRegistration'; readonly key: string; readonly limit: number; readonly windowMs: number }
  /** The registration of `key` stored nothing. */
  | { readonly type: 'GiveBackRegistration'; readonly key: string };
