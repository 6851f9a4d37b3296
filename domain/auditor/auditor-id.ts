import * as t from 'io-ts';

// Short, lowercase, safe in a stream name and a URL: `auditor-<id>`.
const pattern = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

interface AuditorIdBrand {
  readonly AuditorId: unique symbol;
}
export const AuditorId = t.brand(
  t.string,
  (s): s is t.Branded<string, AuditorIdBrand> => pattern.test(s),
  'AuditorId',
);
export type AuditorId = t.TypeOf<typeof AuditorId>;
