// A hub node whose lease ran out left its devices recorded online and its links and sessions
// open, though their sockets died with it. The peer that declared it lost ends them by events
// (cause hub-lost), found in the log as the node's own start-up finds its leftovers.
import type { EventStore, Position, RecordedEvent } from '../../domain/ports/event-store.js';
import { disconnectStaleConnections, StaleConnections } from '../device/device-stale-connections.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { scanLog } from '../runtime/log-scan.js';
import type { LogReader } from '../runtime/log-scan.js';
import { closeStaleForwards, ForwardStartup } from '../forward-session/stale-forwards.js';
import { closeStaleTunnels, StaleTunnels } from '../tunnel/stale-tunnels.js';

/** What was ended for a lost node, by kind. */
export interface LostNodeWork {
  readonly links: number;
  readonly sessions: number;
  readonly devices: number;
}

/**
 * Hands on the events up to `last` only: a node that starts again after it was declared lost
 * holds new connections, and those are its own.
 */
class UpTo implements LogReader {
  constructor(
    private readonly last: Position,
    private readonly readers: readonly LogReader[],
  ) {}

  read(event: RecordedEvent): void {
    if (event.position > this.last) return;
    for (const reader of this.readers) reader.read(event);
  }
}

/** Ends what the log says `nodeId` held when it was declared lost (its NodeLost event at `lostAt`). */
export async function endLostNodeWork(runtime: ActorRuntime, store: EventStore, nodeId: string, lostAt: Position): Promise<LostNodeWork> {
  const connections = new StaleConnections(nodeId);
  const tunnels = new StaleTunnels(nodeId);
  const forwards = new ForwardStartup(nodeId);
  await scanLog(store, [new UpTo(lostAt, [connections, tunnels, forwards])]);
  // Links and sessions first, as at a shutdown: they end as hub-lost, not as their devices going offline.
  const links = await closeStaleTunnels(runtime, store, nodeId, tunnels, 'hub-lost');
  const sessions = await closeStaleForwards(runtime, forwards, 'hub-lost');
  const devices = await disconnectStaleConnections(runtime, store, nodeId, connections, 'hub-lost');
  return { links, sessions, devices };
}
