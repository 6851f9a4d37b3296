import * as t from 'io-ts';

/**
 * Where an imported catalog file lies: in stream `catalogfile-<sha256>`, as `chunks` events
 * whose bytes join to `bytes` bytes with this SHA-256 (hex, lower case). Kept in the catalog's
 * own event, so the hash chain covers the file's content.
 */
export const CatalogFileReference = t.type({ sha256: t.string, bytes: t.number, chunks: t.number });
export type CatalogFileReference = t.TypeOf<typeof CatalogFileReference>;

/** One piece of a catalog file: `index` of `count`, its bytes in base64 (a store takes at most 1 MiB in one event). */
export const CatalogFileChunkStored = t.type({
  type: t.literal('CatalogFileChunkStored'),
  data: t.type({ sha256: t.string, index: t.number, count: t.number, base64: t.string }),
});
export type CatalogFileChunkStored = t.TypeOf<typeof CatalogFileChunkStored>;

export const CatalogFileEvent = CatalogFileChunkStored;
export type CatalogFileEvent = CatalogFileChunkStored;
