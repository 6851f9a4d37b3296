// Proxy profiles (seeds/proxies.txt), the admin's alone: others get 403. A profile's id is
// given at creation and never changes: an edit that names another id is refused (remove the
// profile and create a new one). The enabled switch and edits apply at once; removing one or
// many closes their ports and ends their live connections (cause deleted).
import type { FastifyPluginAsync } from 'fastify';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import { isProxyId, ProxyId, proxyIdRule } from '../../domain/proxy/proxy-id.js';
import { decodeProxySettings } from '../../domain/proxy/proxy-settings.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { getProxy, listProxies } from '../../projections/proxies/index.js';
import type { ProxyView } from '../../projections/proxies/index.js';
import { defaultPageLimit, PageLimit } from '../codecs.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';

const ProxyParams = t.type({ id: t.string });
const ListQuery = t.exact(t.partial({ limit: PageLimit, after: t.string }));
const maxRemovedAtOnce = 100;
const RemoveBody = t.exact(t.type({ ids: t.array(t.string) }));

export interface ProxyPage {
  readonly items: readonly ProxyView[];
  /** The `after` of the next page, or null on the last page. */
  readonly next: string | null;
}

const bodyDocs = 'Body: {id, name, description?, protocol: tcp|udp|tcp-over-device|http-over-device, enabled?, sourcePort, target, timeout?}; see the README.';

function proxyIdOf(params: unknown): string {
  const { id } = parse(ProxyParams, params, 'params');
  if (!isProxyId(id)) throw new TetherError('not_found', `proxy ${id} not found`, ['params.id']);
  return id;
}

function settingsOf(body: unknown): ProxySettings & { readonly id?: unknown } {
  const decoded = decodeProxySettings(body, 'body');
  if (isLeft(decoded)) throw decoded.left;
  return decoded.right;
}

function viewOf(services: HubServices, id: string): ProxyView {
  const view = services.readModels.read((db) => getProxy(db, id));
  if (view === undefined) throw new TetherError('not_found', `proxy ${id} not found`, ['params.id']);
  return view;
}

export const proxyRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;
  const proxies = services.forwards.proxies;

  app.get('/proxies', { schema: routeSchema({ summary: 'Proxy profiles (admin only)', tag: 'proxies', query: ListQuery }) }, async (request): Promise<ProxyPage> => {
    authorize(request.principal, 'proxy', 'read');
    const { limit = defaultPageLimit, after } = parse(ListQuery, request.query, 'query');
    const found = services.readModels.read((db) => listProxies(db, { limit: limit + 1, ...(after === undefined ? {} : { after }) }));
    const items = found.slice(0, limit);
    return { items, next: found.length > limit ? (items.at(-1)?.id ?? null) : null };
  });

  app.get('/proxies/:id', { schema: routeSchema({ summary: 'A proxy profile (admin only)', tag: 'proxies', params: ProxyParams }) }, async (request): Promise<ProxyView> => {
    authorize(request.principal, 'proxy', 'read');
    return viewOf(services, proxyIdOf(request.params));
  });

  app.post('/proxies', { schema: routeSchema({ summary: 'Create a proxy profile (admin only)', tag: 'proxies', description: bodyDocs }) }, async (request, reply) => {
    const principal = authorize(request.principal, 'proxy', 'create');
    const { id, ...settings } = settingsOf(request.body);
    if (!ProxyId.is(id)) {
      throw new TetherError('validation_failed', `id ${proxyIdRule}`, ['body.id']);
    }
    await readYourWrites(services, await proxies.create(id, settings, commandContext(request, principal)));
    return reply.code(201).send(viewOf(services, id));
  });

  app.put('/proxies/:id', { schema: routeSchema({ summary: 'Edit a proxy profile; its id never changes (admin only)', tag: 'proxies', params: ProxyParams, description: bodyDocs }) }, async (request): Promise<ProxyView> => {
    const principal = authorize(request.principal, 'proxy', 'update');
    const proxyId = proxyIdOf(request.params);
    const { id, ...settings } = settingsOf(request.body);
    if (id !== undefined && id !== proxyId) {
      throw new TetherError('validation_failed', `the id of proxy ${proxyId} cannot change: remove the profile and create a new one`, ['body.id']);
    }
    await readYourWrites(services, await proxies.update(proxyId, settings, commandContext(request, principal)));
    return viewOf(services, proxyId);
  });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(
      `/proxies/:id/${action}`,
      { schema: routeSchema({ summary: `${enabled ? 'Open' : 'Close'} a proxy's source port; the profile stays (admin only)`, tag: 'proxies', params: ProxyParams }) },
      async (request): Promise<ProxyView> => {
        const principal = authorize(request.principal, 'proxy', 'update');
        const proxyId = proxyIdOf(request.params);
        await readYourWrites(services, await proxies.setEnabled(proxyId, enabled, commandContext(request, principal)));
        return viewOf(services, proxyId);
      },
    );
  }

  app.delete('/proxies/:id', { schema: routeSchema({ summary: 'Remove a proxy profile: its port closes, its live connections end (admin only)', tag: 'proxies', params: ProxyParams }) }, async (request, reply) => {
    const principal = authorize(request.principal, 'proxy', 'delete');
    const proxyId = proxyIdOf(request.params);
    await readYourWrites(services, await proxies.remove([proxyId], commandContext(request, principal)));
    return reply.code(204).send();
  });

  app.post('/proxies/remove', { schema: routeSchema({ summary: 'Remove several proxy profiles at once, or none if one is unknown (admin only)', tag: 'proxies', body: RemoveBody }) }, async (request, reply) => {
    const principal = authorize(request.principal, 'proxy', 'delete');
    const { ids } = parse(RemoveBody, request.body, 'body');
    if (ids.length === 0 || ids.length > maxRemovedAtOnce) {
      throw new TetherError('validation_failed', `ids must name 1 to ${maxRemovedAtOnce} proxies`, ['body.ids']);
    }
    const bad = ids.filter((id) => !isProxyId(id));
    if (bad.length > 0) throw new TetherError('not_found', `no such proxy: ${bad.join(', ')}`, ['body.ids']);
    await readYourWrites(services, await proxies.remove(ids, commandContext(request, principal)));
    return reply.code(204).send();
  });
};
