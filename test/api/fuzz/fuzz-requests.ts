// Turns one OpenAPI operation into deterministic malformed requests: path params swapped for
// malformed values or ids that look valid, queries with wrong types, repeated keys and
// prototype keys, bodies that are not JSON, not objects, or a plausible body with one field
// broken, dropped or joined by `__proto__`.
import type { JsonSchema } from '../../../api/openapi/json-schema.js';
import type { SeededRandom } from '../../support/seeded-random.js';
import { malformedJson, malformedText } from './malformed-values.js';

export interface Operation {
  readonly method: string;
  /** The OpenAPI path, `{param}` for each path parameter. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  /** The document requires a bearer token. */
  readonly secured: boolean;
  readonly bodySchema?: JsonSchema;
}

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

/** Values that look right for a param or field of this name: ids the fixture made, or well-formed unknown ones. */
export type KnownValues = (name: string) => readonly string[];

/** Percent-encodes the UTF-8 bytes, so lone surrogates travel as the replacement character. */
const encode = (value: string): string =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');

/** Escapes a path segment can carry that no client would send: already raw on the wire. */
const rawSegments: readonly string[] = ['%', '%zz', '%ED%A0%80', '%C0%AF', '..', '.', '%2e%2e', '%00'];

function pathValue(random: SeededRandom, name: string, known: KnownValues): string {
  const valid = known(name);
  if (valid.length > 0 && random.chance(0.5)) return encode(random.pick(valid));
  if (random.chance(0.2)) return random.pick(rawSegments);
  const value = malformedText(random);
  return value === '' ? encode(' ') : encode(value);
}

function queryString(random: SeededRandom, operation: Operation, known: KnownValues): string {
  const pairs: string[] = [];
  for (const name of operation.queryParams) {
    if (!random.chance(0.6)) continue;
    const valid = known(name);
    const value = valid.length > 0 && random.chance(0.3) ? random.pick(valid) : malformedText(random);
    pairs.push(`${encode(name)}=${encode(value)}`);
    if (random.chance(0.2)) pairs.push(`${encode(name)}=${encode(malformedText(random))}`);
  }
  if (random.chance(0.3)) pairs.push(random.pick(['__proto__[admin]=1', 'constructor[prototype][x]=1', '__proto__=1', 'unknown=1', 'a[b][c]=d', '=', '&&']));
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** A body that would plausibly pass: the schema's shape filled with known values. */
export function exampleOf(random: SeededRandom, schema: JsonSchema, name: string, known: KnownValues): unknown {
  if (schema.enum !== undefined && schema.enum.length > 0) return random.pick(schema.enum);
  const members = schema.anyOf ?? [];
  if (members.length > 0) return exampleOf(random, random.pick(members), name, known);
  const parts = schema.allOf ?? [];
  if (parts.length > 0) {
    return Object.assign({}, ...parts.map((part) => exampleOf(random, part, name, known)) as object[]);
  }
  switch (schema.type) {
    case 'object': {
      const body: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || random.chance(0.5)) body[key] = exampleOf(random, property, key, known);
      }
      return body;
    }
    case 'array':
      return schema.items === undefined ? [] : [exampleOf(random, schema.items, name, known)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      const valid = known(name);
      return valid.length > 0 ? random.pick(valid) : 'fuzz-value-1234';
    }
  }
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** The objects and arrays inside `value`, itself first. */
function containers(value: unknown): Container[] {
  if (!isContainer(value)) return [];
  return [value, ...Object.values(value).flatMap(containers)];
}

/** Breaks one field of a plausible body: a malformed value, a missing field, or a `__proto__` key. */
function broken(random: SeededRandom, body: unknown): unknown {
  const target = random.pick(containers(body).length > 0 ? containers(body) : [[]]);
  const keys = Object.keys(target);
  const key = keys.length > 0 ? random.pick(keys) : '0';
  const record = target as Record<string, unknown>;
  switch (random.int(4)) {
    case 0:
      Reflect.deleteProperty(record, key);
      break;
    case 1:
      Object.defineProperty(record, '__proto__', { value: malformedJson(random), enumerable: true, writable: true, configurable: true });
      break;
    default:
      record[key] = malformedJson(random);
  }
  return isContainer(body) ? body : malformedJson(random);
}

function bodyOf(random: SeededRandom, example: unknown): Pick<FuzzRequest, 'payload'> & { contentType?: string } {
  switch (random.int(8)) {
    case 0:
      return { payload: JSON.stringify(malformedJson(random)), contentType: 'application/json' };
    case 1:
      return { payload: random.pick(['{"a":', '{', 'nul', '[1,]', '{"a":1}{"b":2}', '\u0000', '{"a":"\\ud800"}', '']), contentType: 'application/json' };
    case 2:
      return { payload: random.pick(['a=1', '<x/>', 'plain']), contentType: random.pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) };
    case 3:
      return {};
    default:
      return { payload: JSON.stringify(broken(random, structuredClone(example))), contentType: 'application/json' };
  }
}

export function fuzzRequest(random: SeededRandom, operation: Operation, known: KnownValues, example: unknown): FuzzRequest {
  let url = operation.path;
  for (const name of operation.pathParams) url = url.replace(`{${name}}`, pathValue(random, name, known));
  url += queryString(random, operation, known);
  const { payload, contentType } = bodyOf(random, example);
  return { method: operation.method, url, headers: contentType === undefined ? {} : { 'content-type': contentType }, ...(payload === undefined ? {} : { payload }) };
}

/** A well-formed JSON body just over the hub's 1 MB limit. */
export const oversizeBody = (): string => JSON.stringify({ filler: 'x'.repeat(1024 * 1024 + 16) });
