// OpenAPI for the REST API at /docs (a browsable UI) and /docs/json, built from each route's
// schema (route-schema.ts). Register before the routes: the document collects them as they are
// added. Routes without a schema are still listed, with their path parameters, behind a token.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { bearerScheme } from './route-schema.js';
import type { JsonSchema } from './json-schema.js';

export const docsPrefix = '/docs';

const errorResponse: JsonSchema = {
  description: 'The request failed: 400 invalid, 401 no valid token, 403 not permitted, 404 unknown, 409 refused by the state',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'stable; see domain/errors.ts' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'string' }, description: 'the offending request paths, e.g. body.password' },
      },
      required: ['code', 'message', 'details'],
    },
  },
  required: ['error'],
};

const description = `Tether's command and query API. Requests are JSON; every body, query and path
parameter is checked by the codec documented here, and a failure answers
{"error":{"code","message","details"}}. Get a bearer token from POST /api/v1/auth/login.`;

export const apiDocs = fp(
  async (app) => {
    // The io-ts codecs validate every request inside the handlers (api/parse.ts); the route
    // schemas only document them, so fastify's own validation stays off.
    app.setValidatorCompiler(() => () => true);
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Tether hub API', version: '1', description },
        components: { securitySchemes: { [bearerScheme]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ [bearerScheme]: [] }],
      },
      // For the document only: a response schema on the route itself would make fastify serialize with it.
      transform: ({ schema, url }) => ({
        schema: { ...schema, response: { '2XX': { description: 'Success' }, default: errorResponse } },
        url,
      }),
    });
    await app.register(fastifySwaggerUi, { routePrefix: docsPrefix });
  },
  { name: 'tether-api-docs' },
);
