// Which projections resume from their checkpoint when the runner starts: those whose version
// is the one their checkpoint records, in read models built from this very store (a position
// means nothing in another). Every other one is rebuilt from the first event.
import type { CheckpointTable } from './checkpoint-table.js';
import type { Projection } from './projection.js';
import type { RunnerLogger } from './runner-logger.js';

/** Each resuming projection's position; records `identity` as the store the checkpoints belong to. */
export function resumePositions(
  checkpoints: CheckpointTable,
  identity: string,
  projections: readonly Projection[],
  logger: RunnerLogger,
): ReadonlyMap<string, number> {
  const recorded = checkpoints.store;
  const otherStore = recorded !== undefined && recorded !== identity;
  if (otherStore) logger.info({ built: recorded, store: identity }, 'the read models were built from another store: rebuilding them');
  checkpoints.store = identity;
  const resumed = new Map<string, number>();
  for (const projection of projections) {
    const stored = checkpoints.get(projection.name);
    if (!otherStore && stored?.version === projection.version) {
      resumed.set(projection.name, stored.position);
    } else if (stored !== undefined) {
      logger.info({ projection: projection.name, from: stored.version, to: projection.version }, 'projection version changed: rebuilding it');
    }
  }
  return resumed;
}
