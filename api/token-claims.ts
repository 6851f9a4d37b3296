// What a bearer token says about its holder, checked with io-ts after the signature: who, and
// under which generation of its credential (api/credentials.ts).
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { TetherError } from '../domain/errors.js';
import { Role } from '../domain/principal.js';
import type { Principal } from '../domain/principal.js';
import type { Credentials } from './credentials.js';

export const TokenClaims = t.intersection([
  t.type({ sub: t.string, role: Role, gen: t.number }),
  t.partial({ tenant: t.string, tenants: t.readonlyArray(t.string) }),
]);
export type TokenClaims = t.TypeOf<typeof TokenClaims>;

export const claimsOf = ({ principal, generation }: Credentials): TokenClaims => ({
  sub: principal.id,
  role: principal.role,
  gen: generation,
  ...(principal.tenant === undefined ? {} : { tenant: principal.tenant }),
  ...(principal.tenants === undefined ? {} : { tenants: principal.tenants }),
});

export function credentialsOf(verified: unknown): Credentials {
  const claims = TokenClaims.decode(verified);
  if (isLeft(claims)) throw new TetherError('unauthenticated', 'the token does not name a principal');
  const { sub, role, gen, tenant, tenants } = claims.right;
  const principal: Principal = {
    id: sub,
    role,
    ...(tenant === undefined ? {} : { tenant }),
    ...(tenants === undefined ? {} : { tenants }),
  };
  return { principal, generation: gen };
}
