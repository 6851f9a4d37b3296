// Every body, query and param goes through an io-ts codec before anything else happens.
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { TetherError } from '../domain/errors.js';

export type RequestPart = 'body' | 'query' | 'params';

// Union and intersection members add their index to the context; it is no part of the path.
// Exact, refinement and readonly codecs wrap another one and pass the context through.
const transparent = new Set(['UnionType', 'IntersectionType']);
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
  return transparent.has(tagged._tag ?? '');
}

function pathOf(where: RequestPart, context: t.Context): string {
  const keys: string[] = [where];
  context.forEach((entry, i) => {
    const parent = context[i - 1];
    if (parent === undefined || entry.key === '' || combinesMembers(parent.type)) return;
    keys.push(entry.key);
  });
  return keys.join('.');
}

/** Decodes `value` or throws validation_failed naming the offending paths (never their values). */
export function parse<A, O>(codec: t.Type<A, O, unknown>, value: unknown, where: RequestPart): A {
  const result = codec.decode(value);
  if (!isLeft(result)) return result.right;
  const paths = [...new Set(result.left.map((error) => pathOf(where, error.context)))].sort();
  throw new TetherError('validation_failed', `invalid request: ${paths.join(', ')}`, paths);
}
