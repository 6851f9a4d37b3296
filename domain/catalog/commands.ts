import type { CatalogFileReference } from '../catalog-file/events.js';
import type { CatalogKind } from './catalog-kind.js';

/**
 * `document`: the file as parsed JSON, checked by decide; `file`: where its bytes were stored
 * before (stream `catalogfile-<sha256>`); `url`: where the hub fetched it, if it did.
 */
export type CatalogCommand = {
  readonly type: 'ImportCatalog';
  readonly kind: CatalogKind;
  readonly document: unknown;
  readonly file: CatalogFileReference;
  readonly baseUrl: string;
  readonly url?: string;
  /** Prefixes the path of a problem in the document (e.g. `body.document.`). */
  readonly documentPath?: string;
};

/** An import before its file is stored: what is checked first, so that a refused file stores nothing. */
export type CatalogImportRequest = Omit<CatalogCommand, 'file'>;
