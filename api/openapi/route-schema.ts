// A route's documentation: its summary and the very codecs its handler parses the request
// with, as JSON Schemas. Fastify does not validate with them (api-docs.ts): io-ts does.
import type {} from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import type * as t from 'io-ts';
import { jsonSchemaOf } from './json-schema.js';

type RequestCodec = t.Decoder<unknown, unknown>;

export interface RouteDocs {
  /** One line: what the route does. */
  readonly summary: string;
  /** The resource it belongs to, which groups it in the documentation. */
  readonly tag: string;
  readonly description?: string;
  readonly params?: RequestCodec;
  readonly query?: RequestCodec;
  readonly body?: RequestCodec;
  /** Served without a bearer token (login, health, metrics). */
  readonly public?: boolean;
}

export const bearerScheme = 'bearer';

export function routeSchema(docs: RouteDocs): FastifySchema {
  return {
    summary: docs.summary,
    tags: [docs.tag],
    ...(docs.description === undefined ? {} : { description: docs.description }),
    ...(docs.params === undefined ? {} : { params: jsonSchemaOf(docs.params) }),
    ...(docs.query === undefined ? {} : { querystring: jsonSchemaOf(docs.query) }),
    ...(docs.body === undefined ? {} : { body: jsonSchemaOf(docs.body) }),
    security: docs.public === true ? [] : [{ [bearerScheme]: [] }],
  };
}
