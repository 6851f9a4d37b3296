import * as t from 'io-ts';

/** The `next` of a previous page of jobs: the creation position of its last job. */
export const JobCursor = new t.Type<number, string, unknown>(
  'JobCursor',
  (u): u is number => Number.isSafeInteger(u),
  (u, c) => (typeof u === 'string' && /^[0-9]{1,15}$/.test(u) ? t.success(Number(u)) : t.failure(u, c)),
  String,
);
