// The node's read models: which projections run, and the file they live in.
import { join } from 'node:path';
import type { Projection } from '../projections/projection.js';
import { tenantsProjection } from '../projections/tenants/index.js';

export const readModelProjections: readonly Projection[] = [tenantsProjection];

/** Each node has its own file, so several hubs can share one data directory. */
export const readModelFile = (dataDir: string, nodeId: string): string => join(dataDir, `readmodels-${nodeId}.db`);
