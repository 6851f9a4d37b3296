// What a bearer token says about its holder, checked with io-ts after the signature.
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { TetherError } from '../domain/errors.js';
import { Role } from '../domain/principal.js';
import type { Principal } from '../domain/principal.js';

export const TokenClaims = t.intersection([
  t.type({ sub: t.string, role: Role }),
  t.partial({ tenant: t.string, tenants: t.readonlyArray(t.string) }),
]);
export type TokenClaims = t.TypeOf<typeof TokenClaims>;

export const claimsOf = (principal: Principal): TokenClaims => ({
  sub: principal.id,
  role: principal.role,
  ...(principal.tenant === undefined ? {} : { tenant: principal.tenant }),
  ...(principal.tenants === undefined ? {} : { tenants: principal.tenants }),
});

export function principalOf(verified: unknown): Principal {
  const claims = TokenClaims.decode(verified);
  if (isLeft(claims)) throw new TetherError('unauthenticated', 'the token does not name a principal');
  const { sub, role, tenant, tenants } = claims.right;
  return {
    id: sub,
    role,
    ...(tenant === undefined ? {} : { tenant }),
    ...(tenants === undefined ? {} : { tenants }),
  };
}
