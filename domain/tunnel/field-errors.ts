// Turns io-ts errors into one TetherError whose message says, per field, which rule failed.
import type * as t from 'io-ts';
import { codecPath } from '../codec-path.js';
import { TetherError } from '../errors.js';

const pathOf = (context: t.Context): string => codecPath(context).join('.');

/**
 * `whole` names the value at the root (e.g. "the request body"). `where`, when given, prefixes
 * the paths in `details` (e.g. "body"), as the API reports them; messages keep the bare field.
 */
export function fieldErrors(errors: t.Errors, whole: string, where?: string): TetherError {
  const problems = new Map<string, string>();
  for (const error of errors) {
    const path = pathOf(error.context);
    if (problems.has(path)) continue;
    const rule = error.message ?? `must be ${error.context.at(-1)?.type.name ?? 'valid'}`;
    problems.set(path, `${path === '' ? whole : path} ${rule}`);
  }
  const paths = [...problems.keys()].sort();
  const message = paths.map((path) => problems.get(path)).join('; ');
  const details = paths.map((path) => [where, path].filter((part) => part !== undefined && part !== '').join('.') || '(root)');
  return new TetherError('validation_failed', message, details);
}
