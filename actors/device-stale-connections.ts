// A hub that died (kill -9, power loss) left its devices recorded online, though their
// sockets died with it. At start-up, before it accepts any connection, the node closes those
// connections by an event (cause hub-shutdown), so the log tells the truth again.
import type { DeviceCommand } from '../domain/device/commands.js';
import { deviceAggregate } from '../domain/device/aggregate.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { systemPrincipal } from '../domain/principal.js';
import { idOf } from '../domain/stream-name.js';
import type { ActorRuntime } from './actor-runtime.js';

const pageSize = 1000;

/** The connection each device last opened on `nodeId` and never closed, by MAC. */
async function openConnectionsOf(store: EventStore, nodeId: string): Promise<Map<string, string>> {
  const open = new Map<string, string>();
  // Read, not subscribe: a filtered subscription never says when it has caught up.
  for (let from: number | 'start' = 'start'; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
    for (const event of page) {
      if (!event.stream.startsWith('device-')) continue;
      const mac = idOf(event.stream);
      const { connectionId } = event.data;
      if (event.type === 'DeviceConnected' && typeof connectionId === 'string') {
        if (event.data.nodeId === nodeId) open.set(mac, connectionId);
        else open.delete(mac);
      } else if (event.type === 'DeviceDisconnected' && open.get(mac) === connectionId) {
        open.delete(mac);
      }
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return open;
    from = last.position + 1;
  }
}

/** Records the disconnection of every connection the log says this node still holds; returns how many. */
export async function disconnectStaleConnections(runtime: ActorRuntime, store: EventStore, nodeId: string): Promise<number> {
  let closed = 0;
  for (const [mac, connectionId] of await openConnectionsOf(store, nodeId)) {
    const command: DeviceCommand = { type: 'RecordDisconnection', connectionId, cause: 'hub-shutdown' };
    // The decider ignores a connection that is not the live one, so a stale guess costs nothing.
    const executed = await runtime.execute(deviceAggregate, mac, command, { principal: systemPrincipal });
    if (executed.events.length > 0) closed += 1;
  }
  return closed;
}
