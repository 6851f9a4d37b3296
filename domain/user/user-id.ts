import * as t from 'io-ts';

// Short, lowercase, safe in a stream name and a URL: `user-<id>`.
const pattern = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

interface UserIdBrand {
  readonly UserId: unique symbol;
}
export const UserId = t.brand(t.string, (s): s is t.Branded<string, UserIdBrand> => pattern.test(s), 'UserId');
export type UserId = t.TypeOf<typeof UserId>;
