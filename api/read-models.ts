// The node's read models: which projections run, and the file they live in.
import { join } from 'node:path';
import { auditorsProjection } from '../projections/auditors/index.js';
import { credentialsProjection } from '../projections/credentials/index.js';
import { devicesProjection } from '../projections/devices/index.js';
import { jobsProjection } from '../projections/jobs/index.js';
import type { Projection } from '../projections/projection.js';
import { protocolAppsProjection } from '../projections/protocol-apps/index.js';
import { provisioningCodesProjection } from '../projections/provisioning-codes/index.js';
import { proxiesProjection } from '../projections/proxies/index.js';
import { relaysProjection } from '../projections/relays/index.js';
import { sessionsProjection } from '../projections/sessions/index.js';
import { tenantsProjection } from '../projections/tenants/index.js';
import { usersProjection } from '../projections/users/index.js';

// Tenants first: the device and session projections read tenant grants to address their changes.
export const readModelProjections: readonly Projection[] = [
  tenantsProjection,
  devicesProjection,
  provisioningCodesProjection,
  auditorsProjection,
  usersProjection,
  sessionsProjection,
  jobsProjection,
  relaysProjection,
  proxiesProjection,
  protocolAppsProjection,
  credentialsProjection,
];

/** Each node has its own file, so several hubs can share one data directory. */
export const readModelFile = (dataDir: string, nodeId: string): string => join(dataDir, `readmodels-${nodeId}.db`);
