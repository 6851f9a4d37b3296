// The audit API: the store itself as NDJSON, filtered, and the verification of its hash
// chains. For the admin and auditors; a scoped auditor sees only the streams of its tenants
// (api/audit/stream-visibility.ts). Events are shown as stored but for their hashes and sealed
// values (domain/secret-fields.ts): an auditor learns that a password was set, by whom and
// when, never anything to crack offline. The chains are verified here, on the stored bytes.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import { isEventType, isStreamName } from '../../domain/stream-name.js';
import { auditEvents, ndjson } from '../audit/audit-log.js';
import type { AuditFilter } from '../audit/audit-log.js';
import { verifyChains } from '../audit/chain-audit.js';
import type { ChainVerdict } from '../audit/chain-audit.js';
import { streamVisibility } from '../audit/stream-visibility.js';
import { IsoInstant } from '../iso-instant.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';

interface StreamNameBrand {
  readonly StreamName: unique symbol;
}
const StreamName = t.brand(t.string, (s): s is t.Branded<string, StreamNameBrand> => isStreamName(s), 'StreamName');

interface CategoryBrand {
  readonly Category: unique symbol;
}
/** A stream name's prefix before its first '-'. */
const Category = t.brand(t.string, (s): s is t.Branded<string, CategoryBrand> => /^[a-z][a-z0-9]{0,62}$/.test(s), 'Category');

interface EventTypeBrand {
  readonly EventType: unique symbol;
}
const EventType = t.brand(t.string, (s): s is t.Branded<string, EventTypeBrand> => isEventType(s), 'EventType');

interface ActorIdBrand {
  readonly ActorId: unique symbol;
}
const ActorId = t.brand(t.string, (s): s is t.Branded<string, ActorIdBrand> => s.length >= 1 && s.length <= 200, 'ActorId');

const EventsQuery = t.exact(
  t.partial({ stream: StreamName, category: Category, type: EventType, actor: ActorId, from: IsoInstant, to: IsoInstant }),
);
const VerifyQuery = t.exact(t.partial({ stream: StreamName }));

export const ndjsonContentType = 'application/x-ndjson';

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  events: routeSchema({ summary: 'Stored events, filtered, streamed as NDJSON (one per line)', tag: 'audit', query: EventsQuery }),
  verify: routeSchema({ summary: 'Check the hash chains (one stream or all); names the first bad event', tag: 'audit', query: VerifyQuery }),
};

export const auditRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.get('/audit/events', { schema: docs.events }, async (request, reply) => {
    const principal = authorize(request.principal, 'history', 'read');
    const query = parse(EventsQuery, request.query, 'query');
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      throw new TetherError('validation_failed', 'from must not be after to', ['query.from']);
    }
    const filter: AuditFilter = query;
    const lines = ndjson(auditEvents(services.eventStore, filter, streamVisibility(services, principal)));
    // Pulled as the client reads: a slow reader holds the export back, not the hub's memory.
    return reply
      .header('content-type', ndjsonContentType)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines, { objectMode: false }));
  });

  app.get('/audit/verify', { schema: docs.verify }, async (request): Promise<ChainVerdict> => {
    const principal = authorize(request.principal, 'history', 'read');
    const { stream } = parse(VerifyQuery, request.query, 'query');
    const visible = streamVisibility(services, principal);
    const verdict = await verifyChains(services.eventStore, visible, stream);
    if (stream !== undefined && verdict.ok && verdict.events === 0) {
      throw new TetherError('not_found', `stream ${stream} not found`, ['query.stream']);
    }
    return verdict;
  });
};
