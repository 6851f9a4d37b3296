// Commands on one client address's logins, stream `loginattempts-<address id>`.
export type LoginAttemptsCommand =
  /** A login failed: counted in the current window, or in one that starts now if that ended (it lasts `windowMs`). */
  { readonly type: 'RecordLoginFailure'; readonly windowMs: number };
