import type { Aggregate } from '../aggregate.js';
import type { StoreCatalogFileChunk } from './decide.js';
import { decideCatalogFile } from './decide.js';
import { CatalogFileEvent } from './events.js';
import { catalogFileMachine } from './machine.js';

/** Streams `catalogfile-<sha256>`: a catalog file in chunks, referenced by a CatalogImported once complete. */
export const catalogFileAggregate: Aggregate<typeof catalogFileMachine, StoreCatalogFileChunk> = {
  category: 'catalogfile',
  machine: catalogFileMachine,
  events: CatalogFileEvent,
  decide: decideCatalogFile,
};
