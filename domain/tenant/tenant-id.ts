import * as t from 'io-ts';

// A tenant is what the Devices app calls a domain, so its id looks like one.
const pattern = /^[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?$/;

interface TenantIdBrand {
  readonly TenantId: unique symbol;
}
export const TenantId = t.brand(
  t.string,
  (s): s is t.Branded<string, TenantIdBrand> => pattern.test(s),
  'TenantId',
);
export type TenantId = t.TypeOf<typeof TenantId>;
