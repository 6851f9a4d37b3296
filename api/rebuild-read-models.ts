// `tether projections rebuild`: drops the node's read models and replays the whole store
// into them. Run it while that node's hub is stopped.
import { ChangeLog } from '../projections/change-log/index.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import type { RunnerLogger } from '../projections/runner-logger.js';
import { openEventStore } from './event-store-factory.js';
import type { EventStoreConfig } from './event-store-factory.js';
import { readModelFile, readModelProjections } from './read-models.js';

export interface RebuildConfig extends EventStoreConfig {
  readonly nodeId: string;
  readonly logger?: RunnerLogger;
}

export interface RebuildResult {
  readonly file: string;
  /** The global position the rebuilt read models reached. */
  readonly position: number;
}

export async function rebuildReadModels(config: RebuildConfig): Promise<RebuildResult> {
  const store = await openEventStore(config);
  const file = readModelFile(config.dataDir, config.nodeId);
  try {
    const runner = new ProjectionRunner({
      store,
      file,
      projections: readModelProjections,
      // So the change log is emptied too: dashboards must not resume across a rebuild.
      journal: new ChangeLog(),
      ...(config.logger ? { logger: config.logger } : {}),
    });
    await runner.rebuild();
    return { file, position: runner.position() };
  } finally {
    await store.close();
  }
}
