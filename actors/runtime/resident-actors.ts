// Actors are activated on demand and passivated when idle or when too many are
// resident, so a hub with 100,000 registered devices does not hold 100,000 in memory.
import type { Clock } from '../../domain/ports/clock.js';

export interface Resident<S> {
  revision: number;
  state: S;
  lastHash: string;
  lastUsed: number;
}

export interface ResidencyLimits {
  /** Most actors kept in memory at once (least recently used go first). */
  readonly maxResident: number;
  /** An actor unused this long is passivated. */
  readonly idleMs: number;
}

export class ResidentActors<S> {
  // A Map iterates in insertion order; touching re-inserts, so the first entry is the least recently used.
  private readonly entries = new Map<string, Resident<S>>();
  // Actors that must stay (e.g. a device with a live connection) are kept apart from the LRU
  // order: with 10,000 connected devices, passivation walked them all on every put. Whether
  // one must stay is a function of its state, which only changes together with a put.
  private readonly pinned = new Map<string, Resident<S>>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: ResidencyLimits,
    private readonly onPassivate: (stream: string, resident: Resident<S>) => void = () => undefined,
    private readonly mustStay: (resident: Resident<S>) => boolean = () => false,
  ) {}

  get(stream: string): Resident<S> | undefined {
    const pinned = this.pinned.get(stream);
    if (pinned) {
      pinned.lastUsed = this.clock.now().getTime();
      return pinned;
    }
    const resident = this.entries.get(stream);
    if (resident) {
      this.entries.delete(stream);
      resident.lastUsed = this.clock.now().getTime();
      this.entries.set(stream, resident);
    }
    return resident;
  }

  put(stream: string, resident: Resident<S>): void {
    this.entries.delete(stream);
    this.pinned.delete(stream);
    resident.lastUsed = this.clock.now().getTime();
    if (this.mustStay(resident)) this.pinned.set(stream, resident);
    else this.entries.set(stream, resident);
    this.passivate();
  }

  drop(stream: string): void {
    const resident = this.entries.get(stream) ?? this.pinned.get(stream);
    if (resident) {
      this.entries.delete(stream);
      this.pinned.delete(stream);
      this.onPassivate(stream, resident);
    }
  }

  get size(): number {
    return this.entries.size + this.pinned.size;
  }

  /** Passivates idle actors and, beyond the limit, the least recently used ones. */
  passivate(): void {
    const idleBefore = this.clock.now().getTime() - this.limits.idleMs;
    let excess = this.size - this.limits.maxResident;
    for (const [stream, resident] of this.entries) {
      const idle = resident.lastUsed < idleBefore;
      if (!idle && excess <= 0) break;
      this.entries.delete(stream);
      excess -= 1;
      this.onPassivate(stream, resident);
    }
  }
}
