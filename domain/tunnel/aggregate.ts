import type { Aggregate } from '../aggregate.js';
import type { TunnelCommand } from './commands.js';
import { decideTunnel, isOpen } from './decide.js';
import { TunnelEvent } from './events.js';
import { tunnelMachine } from './machine.js';

/**
 * A DeviceLink and its remote-session record; streams are `tunnel-<uuid>`. No deadlines: a
 * link's sockets do not survive its process, so the UDP idle timeout is live behaviour of the
 * host, which closes the link by CloseTunnel {cause: 'idle-timeout'}.
 */
export const tunnelAggregate: Aggregate<typeof tunnelMachine, TunnelCommand> = {
  category: 'tunnel',
  machine: tunnelMachine,
  events: TunnelEvent,
  decide: decideTunnel,
  // An open link holds live sockets: it must not be passivated.
  keepResident: isOpen,
};
