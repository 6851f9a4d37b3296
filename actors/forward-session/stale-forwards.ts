// A hub node that died left its proxy and protocol-application sessions recorded open, though
// their sockets died with it. At start-up the node closes them by an event (cause hub-shutdown,
// with the totals last recorded), so every session record ends. A peer that finds the node's
// lease expired does the same for it (cause hub-lost).
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import { isForwardOpen } from '../../domain/forward-session/decide.js';
import { forwardFloor } from '../../domain/forward-session/machine.js';
import { beforeFirst } from '../../domain/ports/event-store.js';
import type { Position, RecordedEvent } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import { idOf } from '../../domain/stream-name.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { LogReader } from '../runtime/log-scan.js';

/**
 * What start-up needs of the log: the sessions `nodeId` opened and never saw closed, every proxy
 * profile, and where the read ended (the changes after it are followed from there).
 */
export class ForwardStartup implements LogReader {
  readonly openSessions = new Set<string>();
  readonly proxies = new Set<string>();
  private last: Position = beforeFirst;

  constructor(private readonly nodeId: string) {}

  /** The position of the last event read. */
  get readTo(): Position {
    return this.last;
  }

  read(event: RecordedEvent): void {
    this.last = event.position;
    if (event.stream.startsWith('proxy-')) {
      this.proxies.add(idOf(event.stream));
      return;
    }
    if (!event.stream.startsWith('forward-')) return;
    if (event.type === 'ForwardOpened' && event.data.relay === 'hub' && event.data.node === this.nodeId) this.openSessions.add(idOf(event.stream));
    else if (event.type === 'ForwardClosed') this.openSessions.delete(idOf(event.stream));
  }
}

/** Records the end of every session the log says this node still holds; returns how many. */
export async function closeStaleForwards(runtime: ActorRuntime, found: ForwardStartup, cause: TerminationCause = 'hub-shutdown'): Promise<number> {
  let closed = 0;
  for (const sessionId of found.openSessions) if (await closeUnserved(runtime, sessionId, cause)) closed += 1;
  return closed;
}

/**
 * Records the end of a session nothing serves any more, with the totals last recorded (the
 * bytes since are lost with what carried them); false when it is recorded ended already.
 */
export async function closeUnserved(runtime: ActorRuntime, sessionId: string, cause: TerminationCause): Promise<boolean> {
  const { state } = await runtime.load(forwardAggregate, sessionId);
  if (!isForwardOpen(state)) return false;
  await runtime.execute(forwardAggregate, sessionId, { type: 'CloseForward', cause, ...forwardFloor(state.context) }, { principal: systemPrincipal });
  return true;
}
