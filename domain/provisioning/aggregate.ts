import type { Aggregate } from '../aggregate.js';
import type { ProvisioningCommand } from './commands.js';
import { decideProvisioning, provisioningDeadlines } from './decide.js';
import { ProvisioningEvent } from './events.js';
import { provisioningMachine } from './machine.js';

/** Streams are `provisioning-<codeId>` (see code-id.ts). */
export const provisioningAggregate: Aggregate<typeof provisioningMachine, ProvisioningCommand> = {
  category: 'provisioning',
  machine: provisioningMachine,
  events: ProvisioningEvent,
  decide: decideProvisioning,
  deadlines: provisioningDeadlines,
};
