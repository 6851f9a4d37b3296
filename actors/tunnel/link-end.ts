// The one event that ends a link this node carried: TunnelClosed with its final totals.
import type { CommandContext } from '../../domain/command-context.js';
import { isTetherError } from '../../domain/errors.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import type { TunnelEnding } from '../../data-plane/live-tunnel.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';

/** Stores the end of link `tunnelId`; nothing to add when its end is stored already (a peer that found this node lost). */
export async function recordLinkEnd(runtime: ActorRuntime, tunnelId: string, ending: TunnelEnding, context: CommandContext): Promise<{ readonly position?: number }> {
  try {
    const { position } = await runtime.execute(tunnelAggregate, tunnelId, { type: 'CloseTunnel', ...ending }, context);
    return position === undefined ? {} : { position };
  } catch (error) {
    if (isTetherError(error, 'transition_forbidden') && (await runtime.load(tunnelAggregate, tunnelId)).state.matches('closed')) return {};
    throw error;
  }
}
