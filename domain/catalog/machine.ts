import { assign, setup } from 'xstate';
import type { CatalogEvent, CatalogImported } from './events.js';

export interface CatalogContext {
  /** The current import; absent until the first. */
  readonly current?: CatalogImported['data'];
  readonly imports: number;
}

export const catalogMachine = setup({
  types: { context: {} as CatalogContext, events: {} as CatalogEvent },
}).createMachine({
  id: 'catalog',
  initial: 'empty',
  context: { imports: 0 },
  states: {
    empty: { on: { CatalogImported: { target: 'imported', actions: assign(({ context, event }) => ({ current: event.data, imports: context.imports + 1 })) } } },
    imported: { on: { CatalogImported: { actions: assign(({ context, event }) => ({ current: event.data, imports: context.imports + 1 })) } } },
  },
});
