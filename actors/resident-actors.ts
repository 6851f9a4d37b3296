// Actors are activated on demand and passivated when idle or when too many are
// resident, so a hub with 100,000 registered devices does not hold 100,000 in memory.
import type { Clock } from '../domain/ports/clock.js';

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

  constructor(
    private readonly clock: Clock,
    private readonly limits: ResidencyLimits,
    private readonly onPassivate: (stream: string, resident: Resident<S>) => void = () => undefined,
    private readonly mustStay: (resident: Resident<S>) => boolean = () => false,
  ) {}

  get(stream: string): Resident<S> | undefined {
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
    resident.lastUsed = this.clock.now().getTime();
    this.entries.set(stream, resident);
    this.passivate();
  }

  drop(stream: string): void {
    const resident = this.entries.get(stream);
    if (resident) {
      this.entries.delete(stream);
      this.onPassivate(stream, resident);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Passivates idle actors and, beyond the limit, the least recently used ones. */
  passivate(): void {
    const idleBefore = this.clock.now().getTime() - this.limits.idleMs;
    let excess = this.entries.size - this.limits.maxResident;
    for (const [stream, resident] of this.entries) {
      const idle = resident.lastUsed < idleBefore;
      if (!idle && excess <= 0) break;
      if (this.mustStay(resident)) continue;
      this.entries.delete(stream);
      excess -= 1;
      this.onPassivate(stream, resident);
    }
  }
}
