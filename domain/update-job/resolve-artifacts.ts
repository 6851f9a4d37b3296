// An update job's binaries, looked up in the current catalog when the job is created.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { firmwareUrl, packageUrl } from '../catalog/artifact-url.js';
import type { CatalogPackage } from '../catalog/catalog-documents.js';
import { catalogFile } from '../catalog/catalog-kind.js';
import type { CatalogKind } from '../catalog/catalog-kind.js';
import type { ImportedCatalog } from '../catalog/events.js';
import { TetherError } from '../errors.js';
import type { UpdateTarget } from '../gateway/job-messages.js';
import type { Artifact } from './update-spec.js';

const notInCatalog = (what: string, path: string): TetherError =>
  new TetherError('validation_failed', `${what} is not in the current catalog`, [path]);

/** The current import with its file read (actors/catalog/catalog-files.ts); absent when none was imported. */
export interface CurrentCatalog {
  readonly current?: ImportedCatalog;
}

/** The catalog a target is resolved against. */
export const catalogOf = (target: UpdateTarget): CatalogKind => (target.kind === 'firmware' ? 'firmware' : target.kind === 'app' ? 'apps' : 'software');

/** Firmware: one binary per device id listing the version; an app or software: its binary, keyed by its name. */
export function resolveArtifacts(target: UpdateTarget, catalog: CurrentCatalog): Either<TetherError, Record<string, Artifact>> {
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
  const what = target.kind === 'app' ? 'app' : 'software';
  const catalogKind = catalogOf(target);
  const imported = packagesOf(catalogKind, current);
  if (imported === undefined) return left(notInCatalog(`${what} ${JSON.stringify(target.name)} (no ${catalogFile[catalogKind]} imported)`, 'target.name'));
  const entry = imported.packages.find((candidate) => candidate.id === target.name);
  if (entry === undefined) return left(notInCatalog(`${what} ${JSON.stringify(target.name)}`, 'target.name'));
  const version = entry.versions.find((v) => v.id === target.version);
  if (version === undefined) return left(notInCatalog(`version ${JSON.stringify(target.version)} of ${what} ${JSON.stringify(target.name)}`, 'target.version'));
  const artifact: Artifact = {
    url: packageUrl(imported.baseUrl, entry.folder, version.build, entry.binary),
    ...(version.sha256 === undefined ? {} : { sha256: version.sha256.toLowerCase() }),
  };
  return right({ [target.name]: artifact });
}

/** The packages of apps.json or software.json and their base URL; undefined when that file is not the one imported. */
function packagesOf(kind: CatalogKind, current: ImportedCatalog | undefined): { readonly baseUrl: string; readonly packages: readonly CatalogPackage[] } | undefined {
  if (current?.kind === 'apps' && kind === 'apps') return { baseUrl: current.baseUrl, packages: current.document.apps };
  if (current?.kind === 'software' && kind === 'software') return { baseUrl: current.baseUrl, packages: current.document.software };
  return undefined;
}

export const mustResolveArtifacts = (target: UpdateTarget, catalog: CurrentCatalog): Record<string, Artifact> => {
  const resolved = resolveArtifacts(target, catalog);
  if (isLeft(resolved)) throw resolved.left;
  return resolved.right;
};
