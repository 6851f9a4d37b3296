// What each client address registers without a password, counted for the whole cluster: a
// registration counts its key (a device's MAC, a relay's name) in the address's stream
// (registrations-<kind>.<id>) before the registration's own first event is decided, by expected
// revision, so requests reaching several hub nodes at once cannot register more than the
// address's share between them. A registration that then stores nothing gives its count back,
// only if its own call counted it: a key another request counted already is that request's.
// Refused requests, and those of a device or relay already known, store nothing here.
import type { CommandContext } from '../../domain/command-context.js';
import { registrationsAggregate, registrationsId } from '../../domain/address-registrations/aggregate.js';
import type { RegistrationKind } from '../../domain/address-registrations/aggregate.js';
import { isTetherError } from '../../domain/errors.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { clientAddressId } from './client-address-id.js';
import type { RateLimit } from './rate-window.js';

/**
 * What counting a key did: refused (the address's share is used up), counted by this call (to be
 * given back if the registration stores nothing), or found counted already by another request
 * (admitted, but not this call's to give back).
 */
export type RegistrationCount = 'refused' | 'counted' | 'counted-before';

export class AddressRegistrations {
  constructor(
    private readonly runtime: ActorRuntime,
    private readonly kind: RegistrationKind,
    private readonly rate: RateLimit,
  ) {}

  /** Counts `key` for `ip`; refused, and nothing stored, once the address's share for this window is used up. */
  async take(ip: string, key: string, context: CommandContext): Promise<RegistrationCount> {
    const { limit, windowMs } = this.rate;
    try {
      const { events } = await this.runtime.execute(registrationsAggregate, this.idOf(ip), { type: 'CountRegistration', key, limit, windowMs }, context);
      return events.length > 0 ? 'counted' : 'counted-before';
    } catch (error) {
      if (isTetherError(error, 'rate_limited')) return 'refused';
      throw error;
    }
  }

  /** The registration of `key` stored nothing: it no longer counts. */
  async giveBack(ip: string, key: string, context: CommandContext): Promise<void> {
    await this.runtime.execute(registrationsAggregate, this.idOf(ip), { type: 'GiveBackRegistration', key }, context);
  }

  private idOf(ip: string): string {
    return registrationsId(this.kind, clientAddressId(ip));
  }
}
