// Commands on one client address's registrations of new devices, stream `deviceregistrations-<address id>`.
export type DeviceRegistrationsCommand =
  /** Counts `mac` in the current window (or one that starts now, lasting `windowMs`) unless `limit` are counted in it: rate_limited then. */
  | { readonly type: 'CountDeviceRegistration'; readonly mac: string; readonly limit: number; readonly windowMs: number }
  /** The hello registering `mac` stored nothing. */
  | { readonly type: 'GiveBackDeviceRegistration'; readonly mac: string };
