import type { Aggregate } from '../aggregate.js';
import type { ProxyCommand } from './commands.js';
import { decideProxy } from './decide.js';
import { ProxyEvent } from './events.js';
import { proxyMachine } from './machine.js';

/** An admin's proxy profile (seeds/proxies.txt); streams are `proxy-<id>`, the id given by the admin. */
export const proxyAggregate: Aggregate<typeof proxyMachine, ProxyCommand> = {
  category: 'proxy',
  machine: proxyMachine,
  events: ProxyEvent,
  decide: (state, command) => decideProxy(state, command),
};
