import { assign, setup } from 'xstate';
import type { CatalogFileEvent } from './events.js';

export interface CatalogFileContext {
  /** The chunks stored so far, in order, base64. */
  readonly chunks: readonly string[];
  /** How many chunks the file has; absent until the first is stored. */
  readonly count?: number;
}

export const catalogFileMachine = setup({
  types: { context: {} as CatalogFileContext, events: {} as CatalogFileEvent },
  guards: {
    isNext: ({ context, event }) => event.data.index === context.chunks.length && (context.count ?? event.data.count) === event.data.count,
  },
}).createMachine({
  id: 'catalog-file',
  initial: 'storing',
  context: { chunks: [] },
  states: {
    storing: {
      on: {
        CatalogFileChunkStored: {
          guard: 'isNext',
          actions: assign(({ context, event }) => ({ chunks: [...context.chunks, event.data.base64], count: event.data.count })),
        },
      },
    },
  },
});
