// Remote sessions (DeviceLinks now; proxies and protocol applications later): the list with
// its filters, one session, and its timeline straight from the store. A session of a tenant
// outside the caller's reach is not found, as the tenant itself would be.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { streamOf } from '../../domain/stream-name.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { cursorOf, getSession, listSessions } from '../../projections/sessions/index.js';
import type { ListSessionsOptions, SessionView } from '../../projections/sessions/index.js';
import { storePages } from '../audit/audit-log.js';
import { defaultPageLimit, PageLimit } from '../codecs.js';
import { IsoInstant } from '../iso-instant.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { encodeSessionCursor, SessionCursor } from '../session-cursor.js';
import { sessionTimelineEntry } from '../session-timeline.js';
import type { SessionTimelineEntry } from '../session-timeline.js';
import { visibleTenants } from '../tenant-scope.js';

interface NameBrand {
  readonly Name: unique symbol;
}
/** A principal id or relay name as a filter. */
const Name = t.brand(t.string, (s): s is t.Branded<string, NameBrand> => s.length >= 1 && s.length <= 200, 'Name');

const ListQuery = t.exact(
  t.partial({
    limit: PageLimit,
    cursor: SessionCursor,
    tenant: TenantId,
    device: Mac,
    user: Name,
    relay: Name,
    cause: TerminationCause,
    state: t.keyof({ open: null, closed: null }),
    kind: t.keyof({ devicelink: null, proxy: null, 'protocol-app': null }),
    from: IsoInstant,
    to: IsoInstant,
  }),
);
const SessionParams = t.type({ id: t.string });

export interface SessionPage {
  readonly items: readonly SessionView[];
  /** The cursor of the next page (pass it as `cursor`), or null on the last page. */
  readonly next: string | null;
}

export interface SessionTimeline {
  readonly id: string;
  readonly events: readonly SessionTimelineEntry[];
}

function visibleSession(services: HubServices, principal: Principal, id: string): SessionView {
  const session = services.readModels.read((db) => getSession(db, id));
  const visible = visibleTenants(services, principal);
  if (session === undefined || (visible !== undefined && !visible.includes(session.tenantId))) {
    throw new TetherError('not_found', `session ${id} not found`, ['params.id']);
  }
  return session;
}

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  list: routeSchema({ summary: 'Remote sessions, with filters and cursor pagination', tag: 'sessions', query: ListQuery }),
  show: routeSchema({ summary: 'A remote session', tag: 'sessions', params: SessionParams }),
  timeline: routeSchema({ summary: "Every event of a session in order: what, who, from which IP, when", tag: 'sessions', params: SessionParams }),
};

export const sessionRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.get('/sessions', { schema: docs.list }, async (request): Promise<SessionPage> => {
    const principal = authorize(request.principal, 'session', 'read');
    const { limit = defaultPageLimit, cursor, from, to, ...filters } = parse(ListQuery, request.query, 'query');
    if (from !== undefined && to !== undefined && from > to) {
      throw new TetherError('validation_failed', 'from must not be after to', ['query.from']);
    }
    const visibleTo = visibleTenants(services, principal);
    // One more than asked tells whether there is a next page.
    const options: ListSessionsOptions = {
      ...filters,
      limit: limit + 1,
      ...(cursor === undefined ? {} : { after: cursor }),
      ...(from === undefined ? {} : { from: from.toISOString() }),
      ...(to === undefined ? {} : { to: to.toISOString() }),
      ...(visibleTo === undefined ? {} : { visibleTo }),
    };
    const found = services.readModels.read((db) => listSessions(db, options));
    const items = found.slice(0, limit);
    const last = items.at(-1);
    return { items, next: found.length > limit && last !== undefined ? encodeSessionCursor(cursorOf(last)) : null };
  });

  app.get('/sessions/:id', { schema: docs.show }, async (request): Promise<SessionView> => {
    const principal = authorize(request.principal, 'session', 'read');
    const { id } = parse(SessionParams, request.params, 'params');
    return visibleSession(services, principal, id);
  });

  app.get('/sessions/:id/timeline', { schema: docs.timeline }, async (request): Promise<SessionTimeline> => {
    const principal = authorize(request.principal, 'session', 'read');
    const { id } = parse(SessionParams, request.params, 'params');
    const session = visibleSession(services, principal, id);
    const events: SessionTimelineEntry[] = [];
    for await (const page of storePages(services.eventStore, streamOf(session.kind === 'devicelink' ? 'tunnel' : 'forward', session.id))) {
      events.push(...page.map(sessionTimelineEntry));
    }
    return { id: session.id, events };
  });
};
