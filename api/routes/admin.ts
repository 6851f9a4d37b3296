// PUT /admin/password: the instance admin's password, changed by the admin. Every token issued
// before, the caller's own included, is void from then on (api/credentials.ts).
import type { FastifyPluginAsync } from 'fastify';
import { hashSecret } from '../../actors/secrets/secret-hash.js';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { instanceAdminId } from '../../domain/instance/commands.js';
import { ChangePasswordBody } from '../codecs.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import { commandContext } from '../request-context.js';

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  changePassword: routeSchema({
    summary: "Change the instance admin's password",
    description: 'Admin only. Every token issued before, this one included, stops working at once: log in again with the new password.',
    tag: 'admin',
    body: ChangePasswordBody,
  }),
};

export const adminRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app.services;

  app.put('/admin/password', { schema: docs.changePassword }, async (request, reply) => {
    const principal = authorize(request.principal, 'adminPassword', 'update');
    const { password } = parse(ChangePasswordBody, request.body, 'body');
    const command = { type: 'ChangeAdminPassword', passwordHash: await hashSecret(password) } as const;
    await runtime.execute(instanceAggregate, instanceAdminId, command, commandContext(request, principal));
    return reply.code(204).send();
  });
};
