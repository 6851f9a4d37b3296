// MACs never seen before that each client address registers, counted for the whole cluster:
// a hello that would register one counts it in the address's stream (deviceregistrations-<id>)
// before the device's first event is decided, by expected revision, so hellos reaching several
// hub nodes at once cannot register more than the address's share between them. A hello that
// then stores nothing gives its count back. Refused hellos and those of known devices store nothing here.
import type { CommandContext } from '../../domain/command-context.js';
import { deviceRegistrationsAggregate } from '../../domain/device-registrations/aggregate.js';
import { isTetherError } from '../../domain/errors.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { clientAddressId } from './client-address-id.js';
import type { RateLimit } from './rate-window.js';

export class DeviceRegistrations {
  constructor(
    private readonly runtime: ActorRuntime,
    private readonly rate: RateLimit,
  ) {}

  /** Counts `mac` for `ip`; false, and nothing stored, once the address's share for this window is used up. */
  async take(ip: string, mac: string, context: CommandContext): Promise<boolean> {
    const { limit, windowMs } = this.rate;
    try {
      await this.runtime.execute(deviceRegistrationsAggregate, clientAddressId(ip), { type: 'CountDeviceRegistration', mac, limit, windowMs }, context);
      return true;
    } catch (error) {
      if (isTetherError(error, 'rate_limited')) return false;
      throw error;
    }
  }

  /** The hello registering `mac` stored nothing: it no longer counts. */
  async giveBack(ip: string, mac: string, context: CommandContext): Promise<void> {
    await this.runtime.execute(deviceRegistrationsAggregate, clientAddressId(ip), { type: 'GiveBackDeviceRegistration', mac }, context);
  }
}
