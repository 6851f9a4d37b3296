// A hub that died (kill -9, power loss) left its devices recorded online, though their
// sockets died with it. At start-up, before it accepts any connection, the node closes those
// connections by an event (cause hub-shutdown), so the log tells the truth again; a peer that
// finds the node's lease expired does the same for it (cause hub-lost).
import type { DeviceCommand } from '../../domain/device/commands.js';
import type { DisconnectCause } from '../../domain/device/events.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import { idOf } from '../../domain/stream-name.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { scanLog } from '../runtime/log-scan.js';
import type { LogReader } from '../runtime/log-scan.js';

/** The connection each device last opened on `nodeId` and never closed, by MAC. */
export class StaleConnections implements LogReader {
  readonly open = new Map<string, string>();

  constructor(private readonly nodeId: string) {}

  read(event: RecordedEvent): void {
    if (!event.stream.startsWith('device-')) return;
    const mac = idOf(event.stream);
    const { connectionId } = event.data;
    if (event.type === 'DeviceConnected' && typeof connectionId === 'string') {
      if (event.data.nodeId === this.nodeId) this.open.set(mac, connectionId);
      else this.open.delete(mac);
    } else if (event.type === 'DeviceDisconnected' && this.open.get(mac) === connectionId) {
      this.open.delete(mac);
    }
  }
}

/**
 * Records the disconnection of every connection the log says this node still holds; returns
 * how many. `found`: a reader already fed by a scan of the log; without it the log is read here.
 */
export async function disconnectStaleConnections(
  runtime: ActorRuntime,
  store: EventStore,
  nodeId: string,
  found?: StaleConnections,
  cause: DisconnectCause = 'hub-shutdown',
): Promise<number> {
  let stale = found;
  if (stale === undefined) {
    stale = new StaleConnections(nodeId);
    await scanLog(store, [stale]);
  }
  let closed = 0;
  for (const [mac, connectionId] of stale.open) {
    const command: DeviceCommand = { type: 'RecordDisconnection', connectionId, cause };
    // The decider ignores a connection that is not the live one, so a stale guess costs nothing.
    const executed = await runtime.execute(deviceAggregate, mac, command, { principal: systemPrincipal });
    if (executed.events.length > 0) closed += 1;
  }
  return closed;
}
