// A hub node that died left its tunnels recorded open, though their sockets died with it. At
// start-up the node closes them by an event (cause hub-shutdown, with the totals last
// recorded), so every session record ends. A peer that finds the node's lease expired does
// the same for it (cause hub-lost).
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import { isOpen } from '../../domain/tunnel/decide.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { trafficFloor } from '../../domain/tunnel/machine.js';
import { idOf } from '../../domain/stream-name.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { scanLog } from '../runtime/log-scan.js';
import type { LogReader } from '../runtime/log-scan.js';

/** The links `nodeId` opened and the log never saw closed. */
export class StaleTunnels implements LogReader {
  readonly open = new Set<string>();

  constructor(private readonly nodeId: string) {}

  read(event: RecordedEvent): void {
    if (!event.stream.startsWith('tunnel-')) return;
    // A link on a relay is held by the node that placed it too: the relay lets its links go with that node's channel.
    if (event.type === 'TunnelOpened' && event.data.node === this.nodeId) this.open.add(idOf(event.stream));
    else if (event.type === 'TunnelClosed') this.open.delete(idOf(event.stream));
  }
}

/** Records the end of every link the log says this node still holds; returns how many. `found`: as for stale connections. */
export async function closeStaleTunnels(
  runtime: ActorRuntime,
  store: EventStore,
  nodeId: string,
  found?: StaleTunnels,
  cause: TerminationCause = 'hub-shutdown',
): Promise<number> {
  let stale = found;
  if (stale === undefined) {
    stale = new StaleTunnels(nodeId);
    await scanLog(store, [stale]);
  }
  let closed = 0;
  for (const tunnelId of stale.open) {
    const { state } = await runtime.load(tunnelAggregate, tunnelId);
    if (!isOpen(state)) continue;
    await runtime.execute(tunnelAggregate, tunnelId, { type: 'CloseTunnel', cause, ...trafficFloor(state.context) }, { principal: systemPrincipal });
    closed += 1;
  }
  return closed;
}
