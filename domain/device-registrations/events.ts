import * as t from 'io-ts';

/**
 * A hello from the address is registering `mac`, never seen before: it counts in the window
 * that started at `windowStartedAt` (ISO time). Taken before the device's first event is.
 */
export const DeviceRegistrationCounted = t.type({
  type: t.literal('DeviceRegistrationCounted'),
  data: t.type({ mac: t.string, windowStartedAt: t.string }),
});
export type DeviceRegistrationCounted = t.TypeOf<typeof DeviceRegistrationCounted>;

/** The hello that was registering `mac` stored nothing: it no longer counts. */
export const DeviceRegistrationGivenBack = t.type({
  type: t.literal('DeviceRegistrationGivenBack'),
  data: t.type({ mac: t.string }),
});
export type DeviceRegistrationGivenBack = t.TypeOf<typeof DeviceRegistrationGivenBack>;

export const DeviceRegistrationsEvent = t.union([DeviceRegistrationCounted, DeviceRegistrationGivenBack]);
export type DeviceRegistrationsEvent = t.TypeOf<typeof DeviceRegistrationsEvent>;
