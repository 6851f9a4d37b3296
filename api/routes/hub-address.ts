// The hub's address as devices dial it: admins set it (the seed's change of the hub's IP
// address or DNS name) and every agent, connected now or later, is told and keeps it.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { instanceAdminId } from '../../domain/instance/commands.js';
import { HubUrls } from '../../domain/instance/hub-url.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import { commandContext } from '../request-context.js';

const HubAddressBody = t.exact(t.type({ urls: HubUrls }));

/** `urls` empty: never set; the agents keep dialing the --hub they were started with. Once set, it is replaced, never cleared. */
export interface HubAddressView {
  readonly urls: readonly string[];
}

const docs = {
  show: routeSchema({ summary: 'Where devices are told to dial the hub (empty: never set)', tag: 'hub' }),
  set: routeSchema({
    summary: "Set the hub's address(es) as devices dial them (http(s) or ws(s) URLs, in order of preference): every agent is told and keeps them",
    tag: 'hub',
    body: HubAddressBody,
  }),
};

export const hubAddressRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app.services;

  app.get('/hub/address', { schema: docs.show }, async (request): Promise<HubAddressView> => {
    authorize(request.principal, 'hubAddress', 'read');
    const { state } = await runtime.load(instanceAggregate, instanceAdminId);
    return { urls: state.context.hubUrls };
  });

  app.put('/hub/address', { schema: docs.set }, async (request): Promise<HubAddressView> => {
    const principal = authorize(request.principal, 'hubAddress', 'update');
    const { urls } = parse(HubAddressBody, request.body, 'body');
    const executed = await runtime.execute(instanceAggregate, instanceAdminId, { type: 'SetHubAddress', urls }, commandContext(request, principal));
    return { urls: executed.state.context.hubUrls };
  });
};
