import { isLeft } from 'fp-ts/lib/Either.js';
import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { maxBaseUrlLength } from '../gateway/field-limits.js';
import { isBaseUrl, trimBase } from './artifact-url.js';
import { checkCatalogDocument } from './check-document.js';
import type { CatalogDocument } from './check-document.js';
import type { CatalogCommand, CatalogImportRequest } from './commands.js';
import type { CatalogEvent } from './events.js';
import type { catalogMachine } from './machine.js';

export type CatalogState = SnapshotFrom<typeof catalogMachine>;

/** The file of an import this catalog takes, or the first problem with the import (validation_failed). */
export function checkCatalogImport(state: CatalogState, request: CatalogImportRequest): CatalogDocument {
  const current = state.context.current;
  if (current !== undefined && current.kind !== request.kind) {
    throw new TetherError('validation_failed', `this is the ${current.kind} catalog, not the ${request.kind} one`, ['kind']);
  }
  if (!isBaseUrl(request.baseUrl)) {
    throw new TetherError('validation_failed', `baseUrl must be an absolute http or https URL without credentials, query or fragment, of at most ${maxBaseUrlLength} characters`, ['baseUrl']);
  }
  const checked = checkCatalogDocument(request.kind, request.document, request.documentPath);
  if (isLeft(checked)) throw checked.left;
  return checked.right;
}

/** The event names the stored file, not its content: a file may be 4 MiB, an event at most 1 MiB. */
export function decideCatalog(state: CatalogState, command: CatalogCommand, { now }: DecisionContext): readonly CatalogEvent[] {
  const { kind } = checkCatalogImport(state, command);
  const origin = command.url === undefined ? { source: 'upload' as const } : { source: 'url' as const, url: command.url };
  return [{ type: 'CatalogImported', data: { kind, ...origin, baseUrl: trimBase(command.baseUrl), importedAt: now.toISOString(), file: command.file } }];
}
