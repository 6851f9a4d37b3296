// Relay servers, as admins manage them: the list with the seed's properties, one relay (as it
// was at a moment with ?at=), approving one for sessions, resetting its token so a replaced
// machine can register, deleting (deregistering) it. Relays are no tenant's: admins manage
// them, auditors read them.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import { RelayName } from '../../domain/relay/relay-name.js';
import { relayView } from '../../domain/relay/relay-view.js';
import type { RelayView } from '../../domain/relay/relay-view.js';
import { getRelay, listRelays } from '../../projections/relays/index.js';
import { AtQuery } from '../audit/time-travel.js';
import { defaultPageLimit, PageLimit } from '../codecs.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';

const ListQuery = t.exact(t.partial({ limit: PageLimit, after: RelayName, deleted: t.keyof({ true: null, false: null }) }));
const RelayParams = t.exact(t.type({ name: t.string }));

/**
 * A relay with whether its control channel is connected to this node (only this node knows),
 * and its live sessions, placed by any node.
 */
export type RelayAnswer = RelayView & { readonly connected: boolean; readonly liveSessions: number };

export interface RelayPage {
  readonly items: readonly RelayAnswer[];
  /** The cursor for the next page (pass it as `after`), or null on the last page. */
  readonly next: string | null;
}

const notFound = (name: string): TetherError => new TetherError('not_found', `relay ${name} not found`, ['params.name']);

async function answer(services: HubServices, view: RelayView): Promise<RelayAnswer> {
  return { ...view, connected: services.tunnels.isRelayConnected(view.name), liveSessions: await services.tunnels.relaySessions(view.name) };
}

async function viewOf(services: HubServices, name: string): Promise<RelayAnswer> {
  const view = services.readModels.read((db) => getRelay(db, name));
  if (view === undefined) throw notFound(name);
  return answer(services, view);
}

const docs = {
  list: routeSchema({ summary: 'List the relay servers', tag: 'relays', query: ListQuery }),
  show: routeSchema({ summary: 'A relay server; with at, as it was at that moment', tag: 'relays', params: RelayParams, query: AtQuery }),
  remove: routeSchema({ summary: 'Deregister a relay server: its sessions end, it must register and be approved again', tag: 'relays', params: RelayParams }),
  approve: routeSchema({ summary: 'Approve a relay server: it may carry sessions', tag: 'relays', params: RelayParams }),
  resetToken: routeSchema({ summary: "Forget a relay's token: the next registration under its name sets a new one (approval needed again)", tag: 'relays', params: RelayParams }),
};

export const relayRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.get('/relays', { schema: docs.list }, async (request): Promise<RelayPage> => {
    authorize(request.principal, 'relay', 'read');
    const query = parse(ListQuery, request.query, 'query');
    const limit = query.limit ?? defaultPageLimit;
    // One more than asked tells whether there is a next page.
    const found = services.readModels.read((db) =>
      listRelays(db, { limit: limit + 1, deleted: query.deleted === 'true', ...(query.after === undefined ? {} : { after: query.after }) }),
    );
    const items = await Promise.all(found.slice(0, limit).map((view) => answer(services, view)));
    return { items, next: found.length > limit ? (items.at(-1)?.name ?? null) : null };
  });

  app.get('/relays/:name', { schema: docs.show }, async (request): Promise<RelayAnswer | RelayView> => {
    const principal = authorize(request.principal, 'relay', 'read');
    const { name } = parse(RelayParams, request.params, 'params');
    const { at } = parse(AtQuery, request.query, 'query');
    if (at === undefined) return viewOf(services, name);
    authorize(principal, 'history', 'read');
    if (!RelayName.is(name)) throw notFound(name);
    const { state } = await services.runtime.loadAt(relayAggregate, name, at);
    const view = relayView(state);
    if (view === undefined) throw notFound(name);
    return view;
  });

  app.delete('/relays/:name', { schema: docs.remove }, async (request, reply) => {
    const principal = authorize(request.principal, 'relay', 'delete');
    const { name } = parse(RelayParams, request.params, 'params');
    await readYourWrites(services, await services.relays.delete(name, commandContext(request, principal)));
    return reply.code(204).send();
  });

  app.post('/relays/:name/approve', { schema: docs.approve }, async (request): Promise<RelayAnswer> => {
    const principal = authorize(request.principal, 'relay', 'update');
    const { name } = parse(RelayParams, request.params, 'params');
    await readYourWrites(services, await services.relays.approve(name, commandContext(request, principal)));
    return viewOf(services, name);
  });

  app.post('/relays/:name/reset-token', { schema: docs.resetToken }, async (request): Promise<RelayAnswer> => {
    const principal = authorize(request.principal, 'relay', 'update');
    const { name } = parse(RelayParams, request.params, 'params');
    await readYourWrites(services, await services.relays.resetToken(name, commandContext(request, principal)));
    return viewOf(services, name);
  });
};
