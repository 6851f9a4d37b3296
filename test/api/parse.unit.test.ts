import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { PageLimit, Password } from '../../api/codecs.js';
import { parse } from '../../api/parse.js';
import { TetherError } from '../../domain/errors.js';

function failure(run: () => unknown): TetherError {
  try {
    run();
  } catch (error) {
    if (error instanceof TetherError) return error;
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('parse', () => {
  const Body = t.exact(t.intersection([t.type({ password: Password, nested: t.type({ n: t.number }) }), t.partial({ limit: PageLimit })]));

  it('returns the decoded value, without unknown fields', () => {
    expect(parse(Body, { password: 'long-enough', nested: { n: 1 }, limit: '20', extra: 1 }, 'body')).toEqual({
      password: 'long-enough',
      nested: { n: 1 },
      limit: 20,
    });
  });

  it('names every offending path, once, and never the offending value', () => {
    const error = failure(() => parse(Body, { password: 'short', nested: { n: 'x' }, limit: '0' }, 'body'));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual(['body.limit', 'body.nested.n', 'body.password']);
    expect(error.message).not.toContain('short');
  });

  it('names the part itself when it is missing', () => {
    expect(failure(() => parse(Body, undefined, 'body')).details).toEqual(['body']);
  });

  it.each(['0', '501', '-1', '1.5', 'ten', ''])('refuses the page limit %j', (limit) => {
    expect(failure(() => parse(t.type({ limit: PageLimit }), { limit }, 'query')).details).toEqual(['query.limit']);
  });
});
