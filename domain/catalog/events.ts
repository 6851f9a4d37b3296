import * as t from 'io-ts';
import { AppsCatalog, FirmwareCatalog, SoftwareCatalog } from './catalog-documents.js';

const source = t.intersection([t.type({ source: t.keyof({ url: null, upload: null }) }), t.partial({ url: t.string })]);
const common = t.type({ baseUrl: t.string, importedAt: t.string });

/**
 * A catalog file was imported, whole: it replaces the previous one. `url`: where the hub fetched
 * it (source `url`); `baseUrl`: where its binaries lie (see artifact-url.ts).
 */
export const CatalogImported = t.type({
  type: t.literal('CatalogImported'),
  data: t.intersection([
    common,
    source,
    t.union([
      t.type({ kind: t.literal('firmware'), document: FirmwareCatalog }),
      t.type({ kind: t.literal('apps'), document: AppsCatalog }),
      t.type({ kind: t.literal('software'), document: SoftwareCatalog }),
    ]),
  ]),
});
export type CatalogImported = t.TypeOf<typeof CatalogImported>;

export const CatalogEvent = CatalogImported;
export type CatalogEvent = CatalogImported;
