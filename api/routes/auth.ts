// POST /auth/login: the instance password makes an admin, a tenant's password (with its
// id) a tenant-admin of that tenant, an auditor's (with its id) an auditor, a user's (with its
// id) that person in its role. Attempts are counted per client address (in the store, for every
// hub node) before the password is checked, and given back when they succeed.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { hashSecret } from '../../actors/secrets/secret-hash.js';
import { AuditorId } from '../../domain/auditor/auditor-id.js';
import { TetherError } from '../../domain/errors.js';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { instanceAdminId } from '../../domain/instance/commands.js';
import type { Principal } from '../../domain/principal.js';
import { systemPrincipal } from '../../domain/principal.js';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { UserId } from '../../domain/user/user-id.js';
import { auditorLogin } from '../auditor-login.js';
import type { Credentials } from '../credentials.js';
import { LoginThrottle } from '../login-throttle.js';
import type { LoginThrottleLimits } from '../login-throttle.js';
import { parse } from '../parse.js';
import { passwordMatches } from '../password-check.js';
import { routeSchema } from '../openapi/route-schema.js';
import { userLogin } from '../user-login.js';

export interface AuthRoutesOptions {
  readonly throttle: LoginThrottleLimits;
}

interface LoginPasswordBrand {
  readonly LoginPassword: unique symbol;
}
// Any length a stored password may have had: the policy applies when it is set, not here.
const LoginPassword = t.brand(
  t.string,
  (s): s is t.Branded<string, LoginPasswordBrand> => s.length > 0 && s.length <= 1024,
  'LoginPassword',
);

const LoginBody = t.exact(
  t.intersection([t.type({ password: LoginPassword }), t.partial({ tenant: TenantId, auditor: AuditorId, user: UserId })]),
);

export const instanceAdmin: Principal = { id: 'admin', role: 'admin' };
export const tenantAdmin = (tenant: string): Principal => ({ id: `tenant-admin@${tenant}`, role: 'tenant-admin', tenant });

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  login: routeSchema({ summary: 'Trade a password (and a tenant, auditor or user id) for a bearer token', tag: 'auth', body: LoginBody, public: true }),
};

export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, options) => {
  const { runtime, clock } = app.services;
  const throttle = new LoginThrottle(runtime, clock, options.throttle);
  // Unknown tenants are checked against this, so a failure takes as long either way.
  let decoy: Promise<string> | undefined;
  const decoyHash = (): Promise<string> => (decoy ??= hashSecret(randomBytes(16).toString('hex')));

  async function credentialsFor(password: string, tenant: string | undefined): Promise<Credentials | undefined> {
    if (tenant === undefined) {
      const { state } = await runtime.load(instanceAggregate, instanceAdminId);
      const valid = await passwordMatches(password, state.matches('initialized') ? state.context.adminPasswordHash : undefined, decoyHash);
      return valid ? { principal: instanceAdmin, generation: state.context.credentialGeneration } : undefined;
    }
    const { state } = await runtime.load(tenantAggregate, tenant);
    const valid = await passwordMatches(password, state.matches('active') ? state.context.passwordHash : undefined, decoyHash);
    return valid ? { principal: tenantAdmin(tenant), generation: state.context.credentialGeneration } : undefined;
  }

  app.post('/auth/login', { schema: docs.login }, async (request) => {
    const body = parse(LoginBody, request.body, 'body');
    const named = (['tenant', 'auditor', 'user'] as const).filter((field) => body[field] !== undefined);
    if (named.length > 1) {
      throw new TetherError('validation_failed', 'log in as a tenant, an auditor or a user: one of them', named.slice(1).map((field) => `body.${field}`));
    }
    // Nobody is authenticated yet: the hub counts the attempt, from the client's address.
    const context = { principal: systemPrincipal, ip: request.ip, correlationId: request.id };
    const credentials = await throttle.attempt(request.ip, context, () =>
      body.user !== undefined
        ? userLogin(runtime, body.user, body.password, decoyHash)
        : body.auditor !== undefined
          ? auditorLogin(runtime, body.auditor, body.password, decoyHash)
          : credentialsFor(body.password, body.tenant),
    );
    if (credentials === undefined) throw new TetherError('unauthenticated', 'invalid credentials');
    request.log.info({ principal: credentials.principal.id }, 'logged in');
    return { token: app.issueToken(credentials) };
  });
};
