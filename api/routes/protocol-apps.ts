// The protocol-application catalogue (seeds/reverse-connections.txt): admins create, edit and
// delete templates; tenant-admins and auditors read the catalogue. `target-endpoints` lists
// where a dtt-reverse application may lead: the hub itself, or an agent connected here as a
// service endpoint.
import type { FastifyPluginAsync } from 'fastify';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { formatMac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { isAppId } from '../../domain/protocol-app/app-id.js';
import { decodeAppTemplate } from '../../domain/protocol-app/app-template.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import { getProtocolApp, listProtocolApps } from '../../projections/protocol-apps/index.js';
import type { ProtocolAppView } from '../../projections/protocol-apps/index.js';
import { defaultPageLimit, PageLimit } from '../codecs.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';

const AppParams = t.type({ id: t.string });
const ListQuery = t.exact(t.partial({ limit: PageLimit, after: t.string }));

export interface ProtocolAppPage {
  readonly items: readonly ProtocolAppView[];
  readonly next: string | null;
}

export interface TargetEndpoint {
  /** `hub`, or the MAC of an agent running with --service-endpoint. */
  readonly endpoint: string;
  readonly label: string;
}

const bodyDocs =
  'Body: {name, description?, type: tcp|udp|http|dtt-reverse, ...}: tcp {devicePort}, udp {devicePort, timeout?}, ' +
  'http {devicePort, tls?, frameAncestors?}, dtt-reverse {targetEndpoint: "hub"|MAC, targetHost, portMappings: [{devicePort, targetPort}]}.';

export function appIdOf(params: unknown): string {
  const { id } = parse(AppParams, params, 'params');
  if (!isAppId(id)) throw new TetherError('not_found', `protocol application ${id} not found`, ['params.id']);
  return id;
}

function templateOf(body: unknown): AppTemplate {
  const decoded = decodeAppTemplate(body, 'body');
  if (isLeft(decoded)) throw decoded.left;
  return decoded.right;
}

function viewOf(services: HubServices, id: string): ProtocolAppView {
  const view = services.readModels.read((db) => getProtocolApp(db, id));
  if (view === undefined) throw new TetherError('not_found', `protocol application ${id} not found`, ['params.id']);
  return view;
}

export const protocolAppRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;
  const apps = services.forwards.apps;

  app.get('/protocol-apps', { schema: routeSchema({ summary: 'The protocol-application catalogue', tag: 'protocol-apps', query: ListQuery }) }, async (request): Promise<ProtocolAppPage> => {
    authorize(request.principal, 'protocolApp', 'read');
    const { limit = defaultPageLimit, after } = parse(ListQuery, request.query, 'query');
    const found = services.readModels.read((db) => listProtocolApps(db, { limit: limit + 1, ...(after === undefined ? {} : { after }) }));
    const items = found.slice(0, limit);
    return { items, next: found.length > limit ? (items.at(-1)?.id ?? null) : null };
  });

  app.get('/protocol-apps/target-endpoints', { schema: routeSchema({ summary: 'Where a dtt-reverse application may lead: the hub, or a connected service endpoint', tag: 'protocol-apps' }) }, async (request): Promise<{ readonly items: readonly TargetEndpoint[] }> => {
    authorize(request.principal, 'protocolApp', 'create');
    const endpoints = services.forwards.endpoints.list().map((mac) => ({ endpoint: formatMac(mac), label: `service endpoint ${formatMac(mac)}` }));
    return { items: [{ endpoint: 'hub', label: 'the hub itself' }, ...endpoints] };
  });

  app.get('/protocol-apps/:id', { schema: routeSchema({ summary: 'A protocol application', tag: 'protocol-apps', params: AppParams }) }, async (request): Promise<ProtocolAppView> => {
    authorize(request.principal, 'protocolApp', 'read');
    return viewOf(services, appIdOf(request.params));
  });

  app.post('/protocol-apps', { schema: routeSchema({ summary: 'Create a protocol application (admin only)', tag: 'protocol-apps', description: bodyDocs }) }, async (request, reply) => {
    const principal = authorize(request.principal, 'protocolApp', 'create');
    const template = templateOf(request.body);
    const created = await apps.create(template, commandContext(request, principal));
    await readYourWrites(services, created);
    return reply.code(201).send(viewOf(services, created.appId));
  });

  app.put('/protocol-apps/:id', { schema: routeSchema({ summary: 'Edit a protocol application (admin only)', tag: 'protocol-apps', params: AppParams, description: bodyDocs }) }, async (request): Promise<ProtocolAppView> => {
    const principal = authorize(request.principal, 'protocolApp', 'update');
    const appId = appIdOf(request.params);
    const template = templateOf(request.body);
    await readYourWrites(services, await apps.update(appId, template, commandContext(request, principal)));
    return viewOf(services, appId);
  });

  app.delete('/protocol-apps/:id', { schema: routeSchema({ summary: 'Delete a protocol application: unassigned everywhere, its connections end (admin only)', tag: 'protocol-apps', params: AppParams }) }, async (request, reply) => {
    const principal = authorize(request.principal, 'protocolApp', 'delete');
    const appId = appIdOf(request.params);
    await readYourWrites(services, await apps.delete(appId, commandContext(request, principal)));
    return reply.code(204).send();
  });
};
