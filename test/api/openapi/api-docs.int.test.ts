// /docs and /docs/json: every route the hub serves is documented, with its parameters, body
// and security as the codecs and the scopes in hub.ts make them; fastify itself validates nothing.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaOf } from '../../../api/openapi/json-schema.js';
import type { JsonSchema } from '../../../api/openapi/json-schema.js';
import { DeviceLinkRequest } from '../../../domain/tunnel/devicelink-request.js';
import { terminationCauses } from '../../../domain/tunnel/termination-cause.js';
import { startTestHub } from '../hub-harness.js';
import type { TestHub } from '../hub-harness.js';

interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}
interface Operation {
  readonly summary?: string;
  readonly tags?: string[];
  readonly security?: Record<string, string[]>[];
  readonly parameters?: Parameter[];
  readonly requestBody?: { readonly content: Record<string, { readonly schema: JsonSchema }> };
}
interface Document {
  readonly openapi: string;
  /** What an operation without its own `security` requires. */
  readonly security?: Record<string, string[]>[];
  readonly components: { readonly securitySchemes: Record<string, unknown> };
  readonly paths: Record<string, Record<string, Operation>>;
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const branch = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/;

/** "METHOD /path/{param}" of every route fastify serves, read from its printed routing tree. */
function servedRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  for (const method of methods) {
    const stack: string[] = [];
    for (const line of app.printRoutes({ method }).split('\n')) {
      const match = branch.exec(line);
      if (match === null) continue;
      const depth = (match[1] ?? '').length / 4;
      stack.length = depth;
      stack.push(match[2] ?? '');
      if (match[3] !== undefined) routes.push(`${method} ${stack.join('').replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    }
  }
  return routes.filter((route) => !route.split(' ')[1]?.startsWith('/docs')).sort();
}

const operations = (document: Document): [string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );

/** Paths inside `schema` that say nothing of their type: a codec of our own missing from codec-schemas.ts. */
function untyped(schema: JsonSchema, path: string): string[] {
  const typed = schema.type !== undefined || schema.anyOf !== undefined || schema.allOf !== undefined || schema.enum !== undefined;
  const nested: [string, JsonSchema][] = [
    ...Object.entries(schema.properties ?? {}).map(([key, value]): [string, JsonSchema] => [`${path}.${key}`, value]),
    ...(schema.items === undefined ? [] : [[`${path}[]`, schema.items] as [string, JsonSchema]]),
    ...[...(schema.anyOf ?? []), ...(schema.allOf ?? [])].map((member, i): [string, JsonSchema] => [`${path}|${i}`, member]),
  ];
  return [...(typed ? [] : [path]), ...nested.flatMap(([where, member]) => untyped(member, where))];
}

const bodySchema = (operation: Operation | undefined): JsonSchema | undefined => operation?.requestBody?.content['application/json']?.schema;

describe('the OpenAPI document', () => {
  let t: TestHub;
  let document: Document;

  beforeAll(async () => {
    t = await startTestHub();
    const response = await t.call({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    document = response.json<Document>();
  });
  afterAll(async () => t.close());

  it('lists every route the hub serves, and no other', () => {
    const served = servedRoutes(t.hub.app);
    expect(served).toContain('POST /api/v1/devicelink/{deviceIdentifier}');
    expect(served).toContain('GET /metrics');
    expect(operations(document).map(([route]) => route).sort()).toEqual(served);
  });

  it('gives each operation a summary, a tag and every path parameter', () => {
    for (const [route, operation] of operations(document)) {
      expect(operation.summary, route).toBeTruthy();
      expect(operation.tags?.length, route).toBe(1);
      const inPath = [...route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const documented = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(documented.sort(), route).toEqual(inPath.sort());
    }
  });

  it('requires the bearer token exactly where the hub does', async () => {
    expect(document.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    const publicRoutes: string[] = [];
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const [route, operation] of operations(document)) {
      const security = operation.security ?? document.security;
      const [method = 'GET', path = ''] = route.split(' ');
      const url = path.replace(/\{[^}]+\}/g, '001122aabbcc');
      const response = await t.call({ method: method as (typeof methods)[number], url, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
      if (security?.length === 0) {
        publicRoutes.push(route);
        expect(response.statusCode, route).not.toBe(401);
      } else {
        expect(security, route).toEqual([{ bearer: [] }]);
        expect(response.statusCode, route).toBe(401);
      }
    }
    // A relay's rsstatus message carries its own credential, its token.
    expect(publicRoutes.sort()).toEqual(['GET /healthz', 'GET /metrics', 'GET /readyz', 'POST /api/v1/auth/login', 'POST /remote/rsstatus']);
  });

  it('documents bodies and queries with the codecs the routes parse them with', () => {
    const createTenant = bodySchema(document.paths['/api/v1/tenants']?.post);
    expect(createTenant).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string', title: 'TenantId' },
        name: { type: 'string', title: 'DisplayName' },
        password: { type: 'string', title: 'Password' },
      },
      required: ['id', 'name', 'password'],
    });
    expect(bodySchema(document.paths['/api/v1/devicelink/{deviceIdentifier}']?.post)).toEqual(jsonSchemaOf(DeviceLinkRequest));
    expect(bodySchema(document.paths['/api/v1/auditors']?.post)).toMatchObject({
      properties: { tenants: { type: 'array', title: 'TenantList', items: { type: 'string', title: 'TenantId' } } },
      required: ['id', 'name', 'password'],
    });
    expect(bodySchema(document.paths['/api/v1/users']?.post)).toMatchObject({
      properties: { role: { enum: ['admin', 'owner', 'operator', 'auditor'] }, tenants: { type: 'array', title: 'TenantList' } },
      required: ['id', 'name', 'password', 'role'],
    });
    const sessionQuery = document.paths['/api/v1/sessions']?.get?.parameters ?? [];
    expect(sessionQuery.find((p) => p.name === 'cause')).toMatchObject({ in: 'query', required: false, schema: { enum: terminationCauses } });
    expect(sessionQuery.find((p) => p.name === 'limit')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
  });

  it('documents the three update targets: firmware, an app of apps.json, software of software.json', () => {
    const route = document.paths['/api/v1/update-jobs']?.post;
    expect(route?.summary).toBe('Create an update job for a firmware, app or software version of the catalog');
    const target = bodySchema(route)?.properties?.target;
    expect(target?.anyOf?.map((member) => member.properties?.kind?.enum)).toEqual([['firmware'], ['app', 'software']]);
  });

  it('says which way a grant goes, as the route does it: tenant {id} sees tenant {grantedId}', async () => {
    const route = document.paths['/api/v1/tenants/{id}/grants/{grantedId}'];
    expect(route?.put?.summary).toBe('Let tenant {id} see and act on tenant {grantedId}');
    expect(route?.delete?.summary).toBe('Take back what tenant {id} was granted on tenant {grantedId}');
    const admin = await t.adminToken();
    await t.createTenant(admin, 'seer');
    await t.createTenant(admin, 'seen');
    expect((await t.call({ method: 'PUT', url: '/api/v1/tenants/seer/grants/seen', token: admin })).statusCode).toBe(200);
    const seer = await t.tenantToken('seer', 'seer-password');
    const seen = await t.tenantToken('seen', 'seen-password');
    expect((await t.call({ method: 'GET', url: '/api/v1/tenants/seen', token: seer })).statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: '/api/v1/tenants/seer', token: seen })).statusCode).toBe(404);
  });

  it('types every parameter and body field', () => {
    const found = operations(document).flatMap(([route, operation]) => [
      ...(operation.parameters ?? []).flatMap((p) => untyped(p.schema, `${route} ${p.in}.${p.name}`)),
      ...Object.values(operation.requestBody?.content ?? {}).flatMap((media) => untyped(media.schema, `${route} body`)),
    ]);
    expect(found).toEqual([]);
  });

  it('serves a browsable UI at /docs', async () => {
    const page = await t.call({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toMatch(/swagger/i);
  });

  it('leaves validation to the codecs: a bad query gets the API error, not fastify schema errors', async () => {
    const token = await t.adminToken();
    const response = await t.call({ method: 'GET', url: '/api/v1/tenants?limit=many', token });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'validation_failed', message: 'invalid request: query.limit', details: ['query.limit'] } });
  });
});
