// The catalogs with their files. An import stores the file's chunks first, in stream
// `catalogfile-<sha256>`, then appends the catalog's CatalogImported naming the file by hash and
// chunk count. Readers follow only that reference and check the hash, so a crash between chunk
// appends leaves the previous import current, and importing the same file again goes on where
// the crash left off. Imports stored before this kept the file in the event; they still load.
import { isLeft } from 'fp-ts/lib/Either.js';
import { catalogFileAggregate } from '../../domain/catalog-file/aggregate.js';
import { catalogAggregate } from '../../domain/catalog/aggregate.js';
import type { CatalogKind } from '../../domain/catalog/catalog-kind.js';
import { checkCatalogDocument } from '../../domain/catalog/check-document.js';
import type { CatalogDocument } from '../../domain/catalog/check-document.js';
import type { CatalogImportRequest } from '../../domain/catalog/commands.js';
import { checkCatalogImport } from '../../domain/catalog/decide.js';
import type { CatalogImported, CatalogOrigin, ImportedCatalog } from '../../domain/catalog/events.js';
import { TetherError } from '../../domain/errors.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { joinCatalogFile, splitCatalogFile } from './catalog-file-chunks.js';
import type { CommandContext } from '../../domain/command-context.js';

export interface CatalogImportResult {
  readonly current: ImportedCatalog;
  /** Global position of the CatalogImported, for read-your-writes. */
  readonly position?: number;
}

const originOf = ({ baseUrl, importedAt, source, url }: CatalogOrigin): CatalogOrigin => ({ baseUrl, importedAt, source, ...(url === undefined ? {} : { url }) });
const withDocument = (origin: CatalogOrigin, file: CatalogDocument): ImportedCatalog => ({ ...originOf(origin), ...file });

/** Refuses a file the catalog does not take before anything is stored. */
export async function importCatalog(runtime: ActorRuntime, request: CatalogImportRequest, context: CommandContext): Promise<CatalogImportResult> {
  const { state } = await runtime.load(catalogAggregate, request.kind);
  const file = checkCatalogImport(state, request);
  const { reference, chunks } = splitCatalogFile(JSON.stringify(file.document));
  for (const [index, base64] of chunks.entries()) {
    const chunk = { type: 'StoreCatalogFileChunk' as const, sha256: reference.sha256, index, count: reference.chunks, base64 };
    await runtime.execute(catalogFileAggregate, reference.sha256, chunk, context);
  }
  const executed = await runtime.execute(catalogAggregate, request.kind, { ...request, file: reference }, context);
  const imported = executed.state.context.current;
  if (imported === undefined) throw new TetherError('internal', 'the import left no catalog');
  return { current: withDocument(imported, file), ...(executed.position === undefined ? {} : { position: executed.position }) };
}

/** An import with its file: read from the file's stream and checked against its hash, or from the event itself. */
export async function withFile(runtime: ActorRuntime, imported: CatalogImported['data']): Promise<ImportedCatalog> {
  if (!('file' in imported)) return imported;
  const { state } = await runtime.load(catalogFileAggregate, imported.file.sha256);
  const text = joinCatalogFile(imported.file, state.context.chunks);
  const checked = checkCatalogDocument(imported.kind, JSON.parse(text) as unknown);
  if (isLeft(checked)) throw new TetherError('corrupt_event', `catalog file ${imported.file.sha256} is not a ${imported.kind} catalog: ${checked.left.message}`);
  return withDocument(imported, checked.right);
}

/** The current import of `kind` with its file; undefined when none was imported. */
export async function currentCatalog(runtime: ActorRuntime, kind: CatalogKind): Promise<ImportedCatalog | undefined> {
  const { state } = await runtime.load(catalogAggregate, kind);
  const imported = state.context.current;
  return imported === undefined ? undefined : withFile(runtime, imported);
}
