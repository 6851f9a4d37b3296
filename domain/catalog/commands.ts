import type { CatalogKind } from './catalog-kind.js';

/** `document`: the file as parsed JSON, checked by decide; `url`: where the hub fetched it, if it did. */
export type CatalogCommand = {
  readonly type: 'ImportCatalog';
  readonly kind: CatalogKind;
  readonly document: unknown;
  readonly baseUrl: string;
  readonly url?: string;
  /** Prefixes the path of a problem in the document (e.g. `body.document.`). */
  readonly documentPath?: string;
};
