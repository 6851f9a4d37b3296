// Bearer tokens: signed JWTs carrying {sub, role, gen, tenant?, tenants?}. Routes that need a
// caller register `authenticate` as an onRequest hook and read `request.principal`. A token
// whose credential generation is no longer the principal's (a password changed, an auditor
// disabled) is refused like an expired one.
import fastifyJwt from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { credentialsCurrent } from '../credentials.js';
import type { Credentials } from '../credentials.js';
import { claimsOf, credentialsOf } from '../token-claims.js';
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
    issueToken(credentials: Credentials): string;
    /** Who a token names; unauthenticated when it is invalid, expired or revoked. */
    verifyToken(token: string): Promise<Credentials>;
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
    app.decorate('issueToken', (credentials: Credentials) => app.jwt.sign(claimsOf(credentials)));
    app.decorate('verifyToken', async (token: string): Promise<Credentials> => {
      let verified: object;
      try {
        verified = app.jwt.verify<object>(token);
      } catch {
        throw new TetherError('unauthenticated', 'the token is invalid or expired');
      }
      const credentials = credentialsOf(verified);
      if (!(await credentialsCurrent(app.services.runtime, credentials))) {
        throw new TetherError('unauthenticated', 'the token was revoked: log in again');
      }
      return credentials;
    });
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearer.exec(request.headers.authorization ?? '')?.[1];
      if (token === undefined) throw new TetherError('unauthenticated', 'send Authorization: Bearer <token>');
      request.principal = (await app.verifyToken(token)).principal;
    });
  },
  { name: 'tether-authentication' },
);
