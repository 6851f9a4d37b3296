// A relay's sessions counted for the whole cluster, from the store: the seats every hub node
// took in `relayseats-<relay>`, less those whose link has ended (its stream ends in
// TunnelClosed, whichever node recorded it: a DELETE, the relay's status, a hub-lost ending)
// or was never recorded as opened (refused, or its node died while opening). Ended seats are
// freed lazily, in the append that takes the next one.
import type { CommandContext } from '../../domain/command-context.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { StreamNotFound } from '../../domain/ports/event-store.js';
import { relaySeatsAggregate } from '../../domain/relay-seats/aggregate.js';
import { streamOf } from '../../domain/stream-name.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';

export interface RelaySeatsOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  /** A seat whose link is not recorded as opened this long after it was taken was never used. */
  readonly openingWindowMs: number;
}

/** The seats of one relay as the store has them now. */
export interface RelaySeatCount {
  /** Seats of links not ended: the relay's sessions, every node's. */
  readonly live: number;
  /** Seats still taken whose links have ended. */
  readonly ended: readonly string[];
}

export class RelaySeats {
  constructor(private readonly options: RelaySeatsOptions) {}

  async count(relay: string): Promise<RelaySeatCount> {
    const { state } = await this.options.runtime.load(relaySeatsAggregate, relay);
    const seats = Object.entries(state.context.seats);
    const verdicts = await Promise.all(seats.map(async ([tunnelId, takenAt]) => ((await this.hasEnded(tunnelId, takenAt)) ? tunnelId : undefined)));
    const ended = verdicts.filter((tunnelId) => tunnelId !== undefined);
    return { live: seats.length - ended.length, ended };
  }

  /** Takes a seat for link `tunnelId`; no_relay_available when the relay's live seats reach `capacity`. */
  async take(relay: string, tunnelId: string, capacity: number, context: CommandContext): Promise<void> {
    const { ended } = await this.count(relay);
    await this.options.runtime.execute(relaySeatsAggregate, relay, { type: 'TakeRelaySeat', tunnelId, capacity, ended }, context);
  }

  /** The link's opening was not stored: its seat goes back at once rather than after the opening window. */
  async free(relay: string, tunnelId: string, context: CommandContext): Promise<void> {
    await this.options.runtime.execute(relaySeatsAggregate, relay, { type: 'FreeRelaySeat', tunnelId }, context);
  }

  // Read from the store, not through the runtime: a link's actor may be busy opening (its turn
  // waits on the relay's answer), and only the stream's last event matters here.
  private async hasEnded(tunnelId: string, takenAt: string): Promise<boolean> {
    try {
      const [last] = await this.options.store.readStream(streamOf(tunnelAggregate.category, tunnelId), { direction: 'backwards', maxCount: 1 });
      return last?.type === 'TunnelClosed';
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
      return new Date(takenAt).getTime() + this.options.openingWindowMs <= this.options.clock.now().getTime();
    }
  }
}
