import type { Aggregate } from '../aggregate.js';
import type { CatalogCommand } from './commands.js';
import { decideCatalog } from './decide.js';
import { CatalogEvent } from './events.js';
import { catalogMachine } from './machine.js';

/** Streams `catalog-firmware`, `catalog-apps`, `catalog-software`: each import replaces the current file. */
export const catalogAggregate: Aggregate<typeof catalogMachine, CatalogCommand> = {
  category: 'catalog',
  machine: catalogMachine,
  events: CatalogEvent,
  decide: decideCatalog,
};
