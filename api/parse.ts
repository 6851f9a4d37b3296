// Every body, query and param goes through an io-ts codec before anything else happens.
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { codecPath } from '../domain/codec-path.js';
import { TetherError } from '../domain/errors.js';

export type RequestPart = 'body' | 'query' | 'params';

const pathOf = (where: RequestPart, context: t.Context): string => [where, ...codecPath(context)].join('.');

/** Decodes `value` or throws validation_failed naming the offending paths (never their values). */
export function parse<A, O>(codec: t.Type<A, O, unknown>, value: unknown, where: RequestPart): A {
  const result = codec.decode(value);
  if (!isLeft(result)) return result.right;
  const paths = [...new Set(result.left.map((error) => pathOf(where, error.context)))].sort();
  throw new TetherError('validation_failed', `invalid request: ${paths.join(', ')}`, paths);
}
