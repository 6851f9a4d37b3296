// People's accounts: created with a role and a password by the admin (any role) or by an
// owner (owners and operators of its own tenants), listed and read within that reach, given a
// new password (by themselves too), disabled, enabled and deleted.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import * as t from 'io-ts';
import { hashSecret } from '../../actors/secrets/secret-hash.js';
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { userAggregate } from '../../domain/user/aggregate.js';
import type { UserCommand } from '../../domain/user/commands.js';
import { UserId } from '../../domain/user/user-id.js';
import { UserRole } from '../../domain/user/user-role.js';
import { getUser, listUsers } from '../../projections/users/index.js';
import type { UserView } from '../../projections/users/index.js';
import { ChangePasswordBody, defaultPageLimit, DisplayName, PageLimit, Password, TenantList } from '../codecs.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { assertTenantExists } from '../tenant-scope.js';
import { assertMayCreate, reaches, userReach } from '../user-reach.js';
import { userIdOf } from '../user-login.js';

interface EmailBrand {
  readonly Email: unique symbol;
}
/** Where to reach the person: kept and shown, never used to log in. */
const Email = t.brand(t.string, (s): s is t.Branded<string, EmailBrand> => /^[^\s@]+@[^\s@]+$/.test(s) && s.length <= 254, 'Email');

const CreateUserBody = t.exact(
  t.intersection([
    t.type({ id: UserId, name: DisplayName, password: Password, role: UserRole }),
    t.partial({ email: Email, tenants: TenantList }),
  ]),
);
const ListQuery = t.exact(t.partial({ limit: PageLimit, after: UserId }));
const UserParams = t.exact(t.type({ id: UserId }));

export interface UserPage {
  readonly items: readonly UserView[];
  /** The cursor for the next page (pass it as `after`), or null on the last page. */
  readonly next: string | null;
}

const userNotFound = (id: string): TetherError => new TetherError('not_found', `user ${id} not found`, ['params.id']);

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  create: routeSchema({ summary: "Create a person's account with a role", tag: 'users', body: CreateUserBody }),
  list: routeSchema({ summary: 'List the accounts one manages', tag: 'users', query: ListQuery }),
  show: routeSchema({ summary: "A person's account", tag: 'users', params: UserParams }),
  changePassword: routeSchema({ summary: "Change a user's password (one's own, or one one manages)", tag: 'users', params: UserParams, body: ChangePasswordBody }),
  disable: routeSchema({ summary: 'Disable an account: it may no longer log in, its tokens are void', tag: 'users', params: UserParams }),
  enable: routeSchema({ summary: 'Enable a disabled account again', tag: 'users', params: UserParams }),
  remove: routeSchema({ summary: 'Delete an account for good (its history stays, its id is not given out again)', tag: 'users', params: UserParams }),
};

export const userRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  /** The principal, when it may do `action` to user `id`, and the account it names. */
  function managed(request: FastifyRequest, action: 'read' | 'update' | 'delete'): { principal: Principal; id: UserId; view: UserView } {
    const principal = authorize(request.principal, 'user', action);
    const { id } = parse(UserParams, request.params, 'params');
    const view = services.readModels.read((db) => getUser(db, id));
    if (view === undefined || !reaches(principal, view)) throw userNotFound(id);
    return { principal, id, view };
  }

  async function execute(request: FastifyRequest, principal: Principal, id: string, command: UserCommand): Promise<void> {
    await readYourWrites(services, await services.runtime.execute(userAggregate, id, command, commandContext(request, principal)));
  }

  app.post('/users', { schema: docs.create }, async (request, reply) => {
    const principal = authorize(request.principal, 'user', 'create');
    const body = parse(CreateUserBody, request.body, 'body');
    assertMayCreate(principal, body.role, body.tenants);
    for (const [i, tenant] of (body.tenants ?? []).entries()) await assertTenantExists(services, tenant, `body.tenants.${i}`);
    const { id, name, email, role, tenants } = body;
    const command: UserCommand = {
      type: 'CreateUser',
      userId: id,
      name,
      role,
      passwordHash: await hashSecret(body.password),
      ...(email === undefined ? {} : { email }),
      ...(tenants === undefined ? {} : { tenants }),
    };
    await execute(request, principal, id, command);
    return reply.code(201).header('location', `/api/v1/users/${id}`).send(viewOf(services, id));
  });

  app.get('/users', { schema: docs.list }, async (request): Promise<UserPage> => {
    const principal = authorize(request.principal, 'user', 'read');
    const query = parse(ListQuery, request.query, 'query');
    const limit = query.limit ?? defaultPageLimit;
    const within = userReach(principal);
    // One more than asked tells whether there is a next page.
    const found = services.readModels.read((db) =>
      listUsers(db, { limit: limit + 1, ...(query.after === undefined ? {} : { after: query.after }), ...(within === undefined ? {} : { within }) }),
    );
    const items = found.slice(0, limit);
    return { items, next: found.length > limit ? (items.at(-1)?.id ?? null) : null };
  });

  app.get('/users/:id', { schema: docs.show }, async (request): Promise<UserView> => managed(request, 'read').view);

  app.put('/users/:id/password', { schema: docs.changePassword }, async (request): Promise<UserView> => {
    const { id } = parse(UserParams, request.params, 'params');
    const self = request.principal !== undefined && userIdOf(request.principal) === id;
    const principal = self ? authorize(request.principal, 'ownPassword', 'update') : managed(request, 'update').principal;
    const { password } = parse(ChangePasswordBody, request.body, 'body');
    await execute(request, principal, id, { type: 'ChangeUserPassword', passwordHash: await hashSecret(password) });
    return viewOf(services, id);
  });

  app.post('/users/:id/disable', { schema: docs.disable }, async (request): Promise<UserView> => {
    const { principal, id } = managed(request, 'update');
    await execute(request, principal, id, { type: 'DisableUser' });
    return viewOf(services, id);
  });

  app.post('/users/:id/enable', { schema: docs.enable }, async (request): Promise<UserView> => {
    const { principal, id } = managed(request, 'update');
    await execute(request, principal, id, { type: 'EnableUser' });
    return viewOf(services, id);
  });

  app.delete('/users/:id', { schema: docs.remove }, async (request, reply) => {
    const { principal, id } = managed(request, 'delete');
    await execute(request, principal, id, { type: 'DeleteUser' });
    return reply.code(204).send();
  });
};

function viewOf(services: HubServices, id: string): UserView {
  const view = services.readModels.read((db) => getUser(db, id));
  if (view === undefined) throw new TetherError('unavailable', `user ${id} is not in the read model yet`);
  return view;
}
