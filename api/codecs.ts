// Request codecs shared by several routes.
import * as t from 'io-ts';
import { TenantId } from '../domain/tenant/tenant-id.js';

interface PasswordBrand {
  readonly Password: unique symbol;
}
/** 8 to 1024 characters: long enough to resist guessing, short enough to hash cheaply. */
export const Password = t.brand(
  t.string,
  (s): s is t.Branded<string, PasswordBrand> => s.length >= 8 && s.length <= 1024,
  'Password',
);
export type Password = t.TypeOf<typeof Password>;

/** The body of every password change: the new password, as the policy wants it. */
export const ChangePasswordBody = t.exact(t.type({ password: Password }));

interface DisplayNameBrand {
  readonly DisplayName: unique symbol;
}
export const DisplayName = t.brand(
  t.string,
  (s): s is t.Branded<string, DisplayNameBrand> => s.trim().length > 0 && s.length <= 200,
  'DisplayName',
);
export type DisplayName = t.TypeOf<typeof DisplayName>;

export const maxPageLimit = 500;
export const defaultPageLimit = 100;

/** A query-string page size, 1..maxPageLimit. */
export const PageLimit = new t.Type<number, string, unknown>(
  'PageLimit',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= maxPageLimit,
  (u, c) => {
    const n = typeof u === 'string' && /^[0-9]{1,4}$/.test(u) ? Number(u) : NaN;
    return Number.isInteger(n) && n >= 1 && n <= maxPageLimit ? t.success(n) : t.failure(u, c);
  },
  String,
);

const maxTenantsPerAccount = 1000;

interface TenantListBrand {
  readonly TenantList: unique symbol;
}
/** The tenants an account is for: at least one (to mean every tenant, an auditor leaves the list out). */
export const TenantList = t.brand(
  t.array(TenantId),
  (list): list is t.Branded<TenantId[], TenantListBrand> => list.length >= 1 && list.length <= maxTenantsPerAccount,
  'TenantList',
);
