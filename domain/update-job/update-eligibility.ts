// The seed's rules for updating a device: it must be one the job is for and have a binary in
// the job (firmware: one for its model; an app or software: it reports that one installed),
// and its version must differ from the target's, by plain string comparison. The job's own record adds: no success yet.
import type { UpdateTarget } from '../gateway/job-messages.js';
import { inScope } from '../job/job-suitability.js';
import type { JobScope, OnlineDevice } from '../job/job-suitability.js';
import type { Artifact, UpdateSpec } from './update-spec.js';

/** The device's version of what the target updates; undefined when it does not report that app or software. */
export function currentVersion(device: Pick<OnlineDevice, 'firmware' | 'apps' | 'software'>, target: UpdateTarget): string | undefined {
  if (target.kind === 'firmware') return device.firmware;
  const installed = target.kind === 'app' ? device.apps : device.software;
  return installed.find((entry) => entry.name === target.name)?.version;
}

/** The binary for this device, if the job has one. */
export function artifactFor(spec: UpdateSpec, device: Pick<OnlineDevice, 'model'>): Artifact | undefined {
  const key = spec.target.kind === 'firmware' ? device.model : spec.target.name;
  return Object.hasOwn(spec.artifacts, key) ? spec.artifacts[key] : undefined;
}

/** The job is for this device (tenant, categories, a binary for it), whatever its version. */
export const suitsUpdate = (job: JobScope & { readonly spec: UpdateSpec }, device: OnlineDevice): boolean =>
  inScope(job, device) && artifactFor(job.spec, device) !== undefined && currentVersion(device, job.spec.target) !== undefined;

/** The device runs something other than the target: plain string comparison, as the seed says. */
export function differsFromTarget(spec: UpdateSpec, device: OnlineDevice): boolean {
  const version = currentVersion(device, spec.target);
  return version !== undefined && version !== spec.target.version;
}
