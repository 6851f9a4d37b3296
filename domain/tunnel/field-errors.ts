// Turns io-ts errors into one TetherError whose message says, per field, which rule failed.
import type * as t from 'io-ts';
import { TetherError } from '../errors.js';

// Union and intersection members add their index to the context; it is no part of the path.
// Exact, refinement and readonly codecs wrap another one and pass the context through.
const combining = new Set(['UnionType', 'IntersectionType']);
const wrappers = new Set(['ExactType', 'RefinementType', 'ReadonlyType']);

interface Tagged {
  readonly _tag?: string;
  readonly type?: unknown;
}

function combinesMembers(decoder: t.Decoder<unknown, unknown>): boolean {
  let tagged = decoder as Tagged;
  while (wrappers.has(tagged._tag ?? '') && typeof tagged.type === 'object' && tagged.type !== null) {
    tagged = tagged.type as Tagged;
  }
  return combining.has(tagged._tag ?? '');
}

function pathOf(context: t.Context): string {
  const keys: string[] = [];
  context.forEach((entry, i) => {
    const parent = context[i - 1];
    if (parent === undefined || entry.key === '' || combinesMembers(parent.type)) return;
    keys.push(entry.key);
  });
  return keys.join('.');
}

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
