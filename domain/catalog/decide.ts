import { isLeft } from 'fp-ts/lib/Either.js';
import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { maxBaseUrlLength } from '../gateway/field-limits.js';
import { isBaseUrl, trimBase } from './artifact-url.js';
import { checkCatalogDocument } from './check-document.js';
import type { CatalogCommand } from './commands.js';
import type { CatalogEvent } from './events.js';
import type { catalogMachine } from './machine.js';

export type CatalogState = SnapshotFrom<typeof catalogMachine>;

export function decideCatalog(state: CatalogState, command: CatalogCommand, { now }: DecisionContext): readonly CatalogEvent[] {
  const current = state.context.current;
  if (current !== undefined && current.kind !== command.kind) {
    throw new TetherError('validation_failed', `this is the ${current.kind} catalog, not the ${command.kind} one`, ['kind']);
  }
  if (!isBaseUrl(command.baseUrl)) {
    throw new TetherError('validation_failed', `baseUrl must be an absolute http or https URL without credentials, query or fragment, of at most ${maxBaseUrlLength} characters`, ['baseUrl']);
  }
  const checked = checkCatalogDocument(command.kind, command.document, command.documentPath);
  if (isLeft(checked)) throw checked.left;
  const origin = command.url === undefined ? { source: 'upload' as const } : { source: 'url' as const, url: command.url };
  return [{ type: 'CatalogImported', data: { ...checked.right, ...origin, baseUrl: trimBase(command.baseUrl), importedAt: now.toISOString() } }];
}
