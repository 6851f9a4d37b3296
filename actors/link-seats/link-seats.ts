// Links counted for the whole cluster, from the store: the seats every hub node took in one
// seat stream (a relay's, a tenant's), less those whose link has ended (its stream ends in
// TunnelClosed, whichever node recorded it: a DELETE, the relay's status, a hub-lost ending)
// or was never recorded as opened (refused, or its node died while opening). Ended seats are
// freed lazily, in the append that takes the next one.
import type { CommandContext } from '../../domain/command-context.js';
import type { LinkSeatsAggregate } from '../../domain/link-seats/aggregate.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { StreamNotFound } from '../../domain/ports/event-store.js';
import { streamOf } from '../../domain/stream-name.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';

export interface LinkSeatsOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  /** A seat whose link is not recorded as opened this long after it was taken was never used. */
  readonly openingWindowMs: number;
}

/** The seats of one stream as the store had them when counted. */
export interface SeatCount {
  /** Seats of links not ended, every node's. */
  readonly live: number;
  /** Seats still taken whose links have ended. */
  readonly ended: readonly string[];
}

/** Gives a link's seat back. */
export type FreeSeat = () => Promise<void>;

export class LinkSeats {
  constructor(
    private readonly aggregate: LinkSeatsAggregate,
    private readonly options: LinkSeatsOptions,
  ) {}

  /** Reads the link of every seat once: take it with this count rather than counting again. */
  async count(id: string): Promise<SeatCount> {
    const { state } = await this.options.runtime.load(this.aggregate, id);
    const seats = Object.entries(state.context.seats);
    const verdicts = await Promise.all(seats.map(async ([tunnelId, takenAt]) => ((await this.hasEnded(tunnelId, takenAt)) ? tunnelId : undefined)));
    const ended = verdicts.filter((tunnelId) => tunnelId !== undefined);
    return { live: seats.length - ended.length, ended };
  }

  /**
   * Takes a seat in `id` for link `tunnelId`, refused (the aggregate's error) when its live seats
   * reach `capacity`. `counted`: the seats as count() found them; seats taken since count as live.
   */
  async take(id: string, tunnelId: string, { capacity, counted }: { readonly capacity: number; readonly counted: SeatCount }, context: CommandContext): Promise<FreeSeat> {
    await this.options.runtime.execute(this.aggregate, id, { type: 'TakeLinkSeat', tunnelId, capacity, ended: counted.ended }, context);
    return () => this.free(id, tunnelId, context);
  }

  /** The link's opening was not stored: its seat goes back at once rather than after the opening window. */
  private async free(id: string, tunnelId: string, context: CommandContext): Promise<void> {
    await this.options.runtime.execute(this.aggregate, id, { type: 'FreeLinkSeat', tunnelId }, context);
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
