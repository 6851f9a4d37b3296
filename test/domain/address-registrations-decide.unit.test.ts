import { describe, it } from 'vitest';
import { registrationsAggregate } from '../../domain/address-registrations/aggregate.js';
import type { RegistrationsEvent } from '../../domain/address-registrations/events.js';
import { given } from '../support/given-when-then.js';

// The scenarios' clock reads 2026-01-01T00:00:00Z.
const now = '2026-01-01T00:00:00.000Z';
const halfAnHourAgo = '2025-12-31T23:30:00.000Z';
const anHourAgo = '2025-12-31T23:00:00.000Z';
const counted = (key: string, windowStartedAt: string): RegistrationsEvent => ({ type: 'RegistrationCounted', data: { key, windowStartedAt } });
const count = (key: string, limit: number) => ({ type: 'CountRegistration', key, limit, windowMs: 3_600_000 }) as const;

describe('the registrations of one kind by one address', () => {
  it('counts new keys in the current window up to the limit, then refuses with rate_limited', () => {
    given(registrationsAggregate, []).when(count('m1', 2)).then([counted('m1', now)]);
    given(registrationsAggregate, [counted('m1', halfAnHourAgo)]).when(count('m2', 2)).then([counted('m2', halfAnHourAgo)]);
    given(registrationsAggregate, [counted('m1', halfAnHourAgo), counted('m2', halfAnHourAgo)]).when(count('m3', 2)).thenFails('rate_limited');
  });

  it('starts a window afresh once the last one ended', () => {
    given(registrationsAggregate, [counted('m1', anHourAgo)]).when(count('m2', 1)).then([counted('m2', now)]);
  });

  it('gives back the count of a registration that stored nothing, once; a retried count changes nothing', () => {
    const history = [counted('m1', halfAnHourAgo)];
    given(registrationsAggregate, history).when({ type: 'GiveBackRegistration', key: 'm1' }).then([{ type: 'RegistrationGivenBack', data: { key: 'm1' } }]);
    given(registrationsAggregate, [...history, { type: 'RegistrationGivenBack', data: { key: 'm1' } }]).when(count('m2', 1)).then([counted('m2', halfAnHourAgo)]);
    given(registrationsAggregate, history).when({ type: 'GiveBackRegistration', key: 'm9' }).then([]);
    given(registrationsAggregate, history).when(count('m1', 1)).then([]);
  });
});
