import type { Aggregate } from '../aggregate.js';
import type { NodeCommand } from './commands.js';
import { decideNode } from './decide.js';
import { NodeEvent } from './events.js';
import { nodeMachine } from './machine.js';

/**
 * A hub node's lease: several hubs share one store, and each renews its lease in its own
 * stream, `node-<nodeId>`. When a lease runs out, one live peer declares the node lost and
 * ends by events what the log says it held.
 */
export const nodeAggregate: Aggregate<typeof nodeMachine, NodeCommand> = {
  category: 'node',
  machine: nodeMachine,
  events: NodeEvent,
  decide: (state, command, context) => decideNode(state, command, context),
};
