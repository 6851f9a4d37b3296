// An update job's binaries, looked up in the current catalog when the job is created.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { firmwareUrl, packageUrl } from '../catalog/artifact-url.js';
import type { CatalogContext } from '../catalog/machine.js';
import { TetherError } from '../errors.js';
import type { UpdateTarget } from '../gateway/job-messages.js';
import type { Artifact } from './update-spec.js';

const notInCatalog = (what: string, path: string): TetherError =>
  new TetherError('validation_failed', `${what} is not in the current catalog`, [path]);

/** Firmware: one binary per device id listing the version; an app: its binary, keyed by app name. */
export function resolveArtifacts(target: UpdateTarget, catalog: CatalogContext): Either<TetherError, Record<string, Artifact>> {
  const current = catalog.current;
  if (target.kind === 'firmware') {
    if (current?.kind !== 'firmware') return left(notInCatalog(`firmware ${JSON.stringify(target.version)} (no firmware.json imported)`, 'target.version'));
    const version = current.document.versions.find((v) => v.id === target.version);
    if (version === undefined) return left(notInCatalog(`firmware version ${JSON.stringify(target.version)}`, 'target.version'));
    const artifacts: Record<string, Artifact> = {};
    for (const device of current.document.devices) {
      if (!(device.versions as readonly string[]).includes(target.version)) continue;
      const sha256 = version.sha256?.[device.id];
      artifacts[device.id] = { url: firmwareUrl(current.baseUrl, device.id, version.build), ...(sha256 === undefined ? {} : { sha256: sha256.toLowerCase() }) };
    }
    if (Object.keys(artifacts).length === 0) return left(notInCatalog(`a device for firmware ${JSON.stringify(target.version)}`, 'target.version'));
    return right(artifacts);
  }
  if (current?.kind !== 'apps') return left(notInCatalog(`app ${JSON.stringify(target.name)} (no apps.json imported)`, 'target.name'));
  const app = current.document.apps.find((entry) => entry.id === target.name);
  if (app === undefined) return left(notInCatalog(`app ${JSON.stringify(target.name)}`, 'target.name'));
  const version = app.versions.find((v) => v.id === target.version);
  if (version === undefined) return left(notInCatalog(`version ${JSON.stringify(target.version)} of app ${JSON.stringify(target.name)}`, 'target.version'));
  const artifact: Artifact = {
    url: packageUrl(current.baseUrl, app.folder, version.build, app.binary),
    ...(version.sha256 === undefined ? {} : { sha256: version.sha256.toLowerCase() }),
  };
  return right({ [target.name]: artifact });
}

export const mustResolveArtifacts = (target: UpdateTarget, catalog: CatalogContext): Record<string, Artifact> => {
  const resolved = resolveArtifacts(target, catalog);
  if (isLeft(resolved)) throw resolved.left;
  return resolved.right;
};
