import { describe, it } from 'vitest';
import { deviceRegistrationsAggregate } from '../../domain/device-registrations/aggregate.js';
import type { DeviceRegistrationsEvent } from '../../domain/device-registrations/events.js';
import { given } from '../support/given-when-then.js';

// The scenarios' clock reads 2026-01-01T00:00:00Z.
const now = '2026-01-01T00:00:00.000Z';
const halfAnHourAgo = '2025-12-31T23:30:00.000Z';
const anHourAgo = '2025-12-31T23:00:00.000Z';
const counted = (mac: string, windowStartedAt: string): DeviceRegistrationsEvent => ({ type: 'DeviceRegistrationCounted', data: { mac, windowStartedAt } });
const count = (mac: string, limit: number) => ({ type: 'CountDeviceRegistration', mac, limit, windowMs: 3_600_000 }) as const;

describe('the device registrations of one address', () => {
  it('counts new MACs in the current window up to the limit, then refuses with rate_limited', () => {
    given(deviceRegistrationsAggregate, []).when(count('m1', 2)).then([counted('m1', now)]);
    given(deviceRegistrationsAggregate, [counted('m1', halfAnHourAgo)]).when(count('m2', 2)).then([counted('m2', halfAnHourAgo)]);
    given(deviceRegistrationsAggregate, [counted('m1', halfAnHourAgo), counted('m2', halfAnHourAgo)]).when(count('m3', 2)).thenFails('rate_limited');
  });

  it('starts a window afresh once the last one ended', () => {
    given(deviceRegistrationsAggregate, [counted('m1', anHourAgo)]).when(count('m2', 1)).then([counted('m2', now)]);
  });

  it('gives back the count of a hello that stored nothing, once; a retried count changes nothing', () => {
    const history = [counted('m1', halfAnHourAgo)];
    given(deviceRegistrationsAggregate, history).when({ type: 'GiveBackDeviceRegistration', mac: 'm1' }).then([{ type: 'DeviceRegistrationGivenBack', data: { mac: 'm1' } }]);
    given(deviceRegistrationsAggregate, [...history, { type: 'DeviceRegistrationGivenBack', data: { mac: 'm1' } }]).when(count('m2', 1)).then([counted('m2', halfAnHourAgo)]);
    given(deviceRegistrationsAggregate, history).when({ type: 'GiveBackDeviceRegistration', mac: 'm9' }).then([]);
    given(deviceRegistrationsAggregate, history).when(count('m1', 1)).then([]);
  });
});
