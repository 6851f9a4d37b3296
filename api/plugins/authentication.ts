// Bearer tokens: signed JWTs carrying {sub, role, tenant?, tenants?}. Routes that need a caller
// register `authenticate` as an onRequest hook and read `request.principal`.
import fastifyJwt from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { claimsOf, principalOf } from '../token-claims.js';
import type { TokenClaims } from '../token-claims.js';

export interface AuthenticationOptions {
  readonly secret: string;
  /** A vercel/ms duration, e.g. '12h'. */
  readonly tokenLifetime: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    issueToken(principal: Principal): string;
    /** The principal a token names; unauthenticated when it is invalid or expired. */
    verifyToken(token: string): Principal;
    authenticate(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

const bearer = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

export const authentication = fp<AuthenticationOptions>(
  async (app, options) => {
    await app.register(fastifyJwt, { secret: options.secret, sign: { expiresIn: options.tokenLifetime } });
    app.decorateRequest('principal', undefined);
    app.decorate('issueToken', (principal: Principal) => app.jwt.sign(claimsOf(principal)));
    app.decorate('verifyToken', (token: string): Principal => {
      let verified: object;
      try {
        verified = app.jwt.verify<object>(token);
      } catch {
        throw new TetherError('unauthenticated', 'the token is invalid or expired');
      }
      return principalOf(verified);
    });
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearer.exec(request.headers.authorization ?? '')?.[1];
      if (token === undefined) throw new TetherError('unauthenticated', 'send Authorization: Bearer <token>');
      request.principal = app.verifyToken(token);
    });
  },
  { name: 'tether-authentication' },
);
