import type { Aggregate } from '../aggregate.js';
import type { TenantCommand } from './commands.js';
import { decideTenant } from './decide.js';
import { TenantEvent } from './events.js';
import { tenantMachine } from './machine.js';

export const tenantAggregate: Aggregate<typeof tenantMachine, TenantCommand> = {
  category: 'tenant',
  machine: tenantMachine,
  events: TenantEvent,
  decide: (state, command) => decideTenant(state, command),
};
