// Where in a value an io-ts decoding error lies, as a dotted path ('encrypt.key', 'apps.0').
import type * as t from 'io-ts';

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

/** The keys leading to the failing value; empty for the root. */
export function codecPath(context: t.Context): string[] {
  const keys: string[] = [];
  context.forEach((entry, i) => {
    const parent = context[i - 1];
    if (parent === undefined || entry.key === '' || combinesMembers(parent.type)) return;
    keys.push(entry.key);
  });
  return keys;
}
