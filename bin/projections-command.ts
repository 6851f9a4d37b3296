// `tether projections rebuild`: drop and replay a node's read models, offline.
import { Command } from 'commander';
import { pino } from 'pino';
import type { Fsync } from '../api/event-store-factory.js';
import { dataOption, eventStoreOption, fsyncOption, logLevelOption, nodeIdOption } from './cli-options.js';

interface RebuildOptions {
  readonly data: string;
  readonly eventstore?: string;
  readonly fsync: Fsync;
  readonly nodeId?: string;
  readonly logLevel: string;
}

async function rebuild(options: RebuildOptions): Promise<void> {
  // Loaded here, not at the top: `tether agent` shares this binary and must start light.
  const { rebuildReadModels } = await import('../api/rebuild-read-models.js');
  const result = await rebuildReadModels({
    dataDir: options.data,
    nodeId: options.nodeId ?? 'node-8080',
    fsync: options.fsync,
    logger: pino({ level: options.logLevel }),
    ...(options.eventstore ? { eventStoreUrl: options.eventstore } : {}),
  });
  process.stdout.write(`rebuilt ${result.file} up to position ${result.position}\n`);
}

export const projectionsCommand = (): Command =>
  new Command('projections')
    .description('manage this node\'s read models')
    .addCommand(
      new Command('rebuild')
        .description('drop the read models and replay the whole event store into them; stop that node\'s hub first')
        .addOption(dataOption())
        .addOption(eventStoreOption())
        .addOption(fsyncOption())
        .addOption(nodeIdOption('node-8080, the default of serve'))
        .addOption(logLevelOption())
        .action(rebuild),
    );
