// A hub node that died left its links recorded open, though their sockets died with it. At
// start-up the node closes them by an event (cause hub-shutdown, with the totals last
// recorded), so every session record ends.
import type { EventStore } from '../domain/ports/event-store.js';
import { systemPrincipal } from '../domain/principal.js';
import { tunnelAggregate } from '../domain/tunnel/aggregate.js';
import { isOpen } from '../domain/tunnel/decide.js';
import { trafficFloor } from '../domain/tunnel/machine.js';
import { idOf } from '../domain/stream-name.js';
import type { ActorRuntime } from './actor-runtime.js';

const pageSize = 1000;

async function openTunnelsOf(store: EventStore, nodeId: string): Promise<Set<string>> {
  const open = new Set<string>();
  for (let from: number | 'start' = 'start'; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
    for (const event of page) {
      if (!event.stream.startsWith('tunnel-')) continue;
      if (event.type === 'TunnelOpened' && event.data.relay === 'hub' && event.data.node === nodeId) open.add(idOf(event.stream));
      else if (event.type === 'TunnelClosed') open.delete(idOf(event.stream));
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return open;
    from = last.position + 1;
  }
}

/** Records the end of every link the log says this node still holds; returns how many. */
export async function closeStaleTunnels(runtime: ActorRuntime, store: EventStore, nodeId: string): Promise<number> {
  let closed = 0;
  for (const tunnelId of await openTunnelsOf(store, nodeId)) {
    const { state } = await runtime.load(tunnelAggregate, tunnelId);
    if (!isOpen(state)) continue;
    await runtime.execute(tunnelAggregate, tunnelId, { type: 'CloseTunnel', cause: 'hub-shutdown', ...trafficFloor(state.context) }, { principal: systemPrincipal });
    closed += 1;
  }
  return closed;
}
