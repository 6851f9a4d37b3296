import * as t from 'io-ts';
import { CatalogFileReference } from '../catalog-file/events.js';
import { AppsCatalog, FirmwareCatalog, SoftwareCatalog } from './catalog-documents.js';
import { CatalogKind } from './catalog-kind.js';

const source = t.intersection([t.type({ source: t.keyof({ url: null, upload: null }) }), t.partial({ url: t.string })]);
const common = t.type({ baseUrl: t.string, importedAt: t.string });

/** The file itself, as the first imports stored it: in the event. */
const inline = t.union([
  t.type({ kind: t.literal('firmware'), document: FirmwareCatalog }),
  t.type({ kind: t.literal('apps'), document: AppsCatalog }),
  t.type({ kind: t.literal('software'), document: SoftwareCatalog }),
]);

/** The file in a stream of its own (a file may be 4 MiB, an event at most 1 MiB). */
const stored = t.type({ kind: CatalogKind, file: CatalogFileReference });

/**
 * A catalog file was imported, whole: it replaces the previous one. `url`: where the hub fetched
 * it (source `url`); `baseUrl`: where its binaries lie (see artifact-url.ts). Appended only once
 * the file is stored complete, so a file stored in part is never current.
 */
export const CatalogImported = t.type({
  type: t.literal('CatalogImported'),
  data: t.intersection([common, source, t.union([inline, stored])]),
});
export type CatalogImported = t.TypeOf<typeof CatalogImported>;

/** Where an import came from and where its binaries lie. */
export type CatalogOrigin = t.TypeOf<typeof common> & t.TypeOf<typeof source>;

/** An import with its file at hand, whether it was in the event or read from its stream. */
export type ImportedCatalog = CatalogOrigin & t.TypeOf<typeof inline>;

export const CatalogEvent = CatalogImported;
export type CatalogEvent = CatalogImported;
