// A catalog file is taken whole or not at all: the first problem found is reported with its
// path in the file (`apps.1.versions.0.build`), the way a person fixes it.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { codecPath } from '../codec-path.js';
import { TetherError } from '../errors.js';
import { AppsCatalog, FirmwareCatalog, SoftwareCatalog } from './catalog-documents.js';
import type { CatalogPackage, FirmwareCatalog as Firmware } from './catalog-documents.js';
import { catalogFile } from './catalog-kind.js';
import type { CatalogKind } from './catalog-kind.js';

export type CatalogDocument =
  | { readonly kind: 'firmware'; readonly document: t.TypeOf<typeof FirmwareCatalog> }
  | { readonly kind: 'apps'; readonly document: t.TypeOf<typeof AppsCatalog> }
  | { readonly kind: 'software'; readonly document: t.TypeOf<typeof SoftwareCatalog> };

interface Problem {
  readonly path: string;
  readonly message: string;
}

function describe(value: unknown): string {
  if (value === undefined) return 'it is missing';
  if (value === null) return 'it is null';
  if (Array.isArray(value)) return 'it is an array';
  return `it is a ${typeof value}`;
}

function firstDecodingProblem<A>(codec: t.Decoder<unknown, A>, input: unknown): Either<Problem, A> {
  const decoded = codec.decode(input);
  if (!isLeft(decoded)) return right(decoded.right);
  const [first] = decoded.left;
  if (first === undefined) return left({ path: '(file)', message: 'not a valid file' });
  const path = codecPath(first.context).join('.') || '(file)';
  const expected = first.context.at(-1)?.type.name ?? 'a valid value';
  return left({ path, message: first.message ?? `expected ${expected}, but ${describe(first.value)}` });
}

function firstDuplicate(ids: readonly string[]): number | undefined {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (seen.has(id)) return index;
    seen.add(id);
  }
  return undefined;
}

function firmwareProblem(document: Firmware): Problem | undefined {
  const versionIds: readonly string[] = document.versions.map((version) => version.id);
  const deviceIds: readonly string[] = document.devices.map((device) => device.id);
  const duplicateVersion = firstDuplicate(versionIds);
  if (duplicateVersion !== undefined) return { path: `versions.${duplicateVersion}.id`, message: `the version id ${JSON.stringify(versionIds[duplicateVersion])} is listed twice` };
  const duplicateDevice = firstDuplicate(deviceIds);
  if (duplicateDevice !== undefined) return { path: `devices.${duplicateDevice}.id`, message: `the device id ${JSON.stringify(deviceIds[duplicateDevice])} is listed twice` };
  for (const [d, device] of document.devices.entries()) {
    for (const [v, version] of device.versions.entries()) {
      if (!versionIds.includes(version)) return { path: `devices.${d}.versions.${v}`, message: `version ${JSON.stringify(version)} is not in "versions"` };
    }
  }
  for (const [v, version] of document.versions.entries()) {
    for (const device of Object.keys(version.sha256 ?? {})) {
      if (!deviceIds.includes(device)) return { path: `versions.${v}.sha256.${device}`, message: `${JSON.stringify(device)} is not a device id of "devices"` };
    }
  }
  return undefined;
}

function packagesProblem(field: 'apps' | 'software', packages: readonly CatalogPackage[]): Problem | undefined {
  const duplicate = firstDuplicate(packages.map((entry) => entry.id));
  if (duplicate !== undefined) return { path: `${field}.${duplicate}.id`, message: `the id ${JSON.stringify(packages[duplicate]?.id)} is listed twice` };
  for (const [p, entry] of packages.entries()) {
    const version = firstDuplicate(entry.versions.map((v) => v.id));
    if (version !== undefined) return { path: `${field}.${p}.versions.${version}.id`, message: `the version id ${JSON.stringify(entry.versions[version]?.id)} is listed twice` };
  }
  return undefined;
}

function checked(kind: CatalogKind, input: unknown): Either<Problem, CatalogDocument> {
  switch (kind) {
    case 'firmware': {
      const decoded = firstDecodingProblem(FirmwareCatalog, input);
      if (isLeft(decoded)) return decoded;
      const problem = firmwareProblem(decoded.right);
      return problem === undefined ? right({ kind, document: decoded.right }) : left(problem);
    }
    case 'apps': {
      const decoded = firstDecodingProblem(AppsCatalog, input);
      if (isLeft(decoded)) return decoded;
      const problem = packagesProblem('apps', decoded.right.apps);
      return problem === undefined ? right({ kind, document: decoded.right }) : left(problem);
    }
    case 'software': {
      const decoded = firstDecodingProblem(SoftwareCatalog, input);
      if (isLeft(decoded)) return decoded;
      const problem = packagesProblem('software', decoded.right.software);
      return problem === undefined ? right({ kind, document: decoded.right }) : left(problem);
    }
  }
}

/**
 * The document as the catalog of `kind`, or validation_failed whose message names the file,
 * the path and the problem, and whose details hold the path (prefixed by `pathPrefix`).
 */
export function checkCatalogDocument(kind: CatalogKind, input: unknown, pathPrefix = ''): Either<TetherError, CatalogDocument> {
  const result = checked(kind, input);
  if (!isLeft(result)) return result;
  const { path, message } = result.left;
  return left(new TetherError('validation_failed', `${catalogFile[kind]} is refused: ${path}: ${message}`, [`${pathPrefix}${path}`]));
}
