import type { SnapshotFrom } from 'xstate';
import { TetherError } from '../errors.js';
import type { CatalogFileEvent } from './events.js';
import type { catalogFileMachine } from './machine.js';

export type CatalogFileState = SnapshotFrom<typeof catalogFileMachine>;

/** Stores chunk `index` of `count`; the chunks go in order, so a file is stored up to a point, never with holes. */
export interface StoreCatalogFileChunk {
  readonly type: 'StoreCatalogFileChunk';
  readonly sha256: string;
  readonly index: number;
  readonly count: number;
  readonly base64: string;
}

export function decideCatalogFile(state: CatalogFileState, command: StoreCatalogFileChunk): readonly CatalogFileEvent[] {
  const { chunks, count } = state.context;
  if (count !== undefined && count !== command.count) {
    throw new TetherError('validation_failed', `file ${command.sha256} has ${count} chunks, not ${command.count}`, ['count']);
  }
  // Content-addressed: a chunk already stored is the same bytes; storing it again changes nothing.
  if (command.index < chunks.length) return [];
  if (command.index > chunks.length) {
    throw new TetherError('validation_failed', `file ${command.sha256} has ${chunks.length} chunks stored; chunk ${command.index} cannot come next`, ['index']);
  }
  const { sha256, index, base64 } = command;
  return [{ type: 'CatalogFileChunkStored', data: { sha256, index, count: command.count, base64 } }];
}
