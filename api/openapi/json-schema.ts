// JSON Schemas (2020-12, as OpenAPI 3.1 reads them) derived from the io-ts codecs that
// validate requests, so the documentation cannot drift from what the API accepts. Covers the
// combinators the routes use; a codec of our own (new t.Type) is described by its entry in
// codec-schemas.ts, and a refinement (t.brand) as its base type titled with its name.
import * as t from 'io-ts';
import { knownCodecSchema } from './codec-schemas.js';

type Scalar = string | number | boolean | null;

export interface JsonSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: Scalar[];
  examples?: Scalar[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

const isIdentifier = (name: string): boolean => /^[A-Za-z][A-Za-z0-9]*$/.test(name);

function objectSchema(props: t.Props, required: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, codec] of Object.entries(props)) properties[key] = jsonSchemaOf(codec);
  const keys = Object.keys(properties);
  return { type: 'object', properties, ...(required && keys.length > 0 ? { required: keys } : {}) };
}

const isPlainObject = (schema: JsonSchema): boolean =>
  schema.type === 'object' && schema.properties !== undefined && schema.additionalProperties === undefined;

/** Objects are merged into one (query parameters must be one object's properties); anything else is allOf. */
function intersectionSchema(members: JsonSchema[]): JsonSchema {
  if (!members.every(isPlainObject)) return { allOf: members };
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  for (const member of members) {
    Object.assign(properties, member.properties);
    for (const key of member.required ?? []) required.add(key);
  }
  return { type: 'object', properties, ...(required.size > 0 ? { required: [...required] } : {}) };
}

function unionSchema(members: JsonSchema[]): JsonSchema {
  const values = members.map((member) => (member.enum?.length === 1 && member.type === 'string' ? member.enum[0] : undefined));
  const strings = values.filter((value): value is string => typeof value === 'string');
  return strings.length === members.length ? { type: 'string', enum: strings } : { anyOf: members };
}

function literalSchema(value: string | number | boolean | null): JsonSchema {
  if (value === null) return { type: 'null' };
  const type = typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'boolean';
  return { type, enum: [value] };
}

/** A fresh schema each call: documentation tools may annotate what they are given. */
export function jsonSchemaOf(codec: t.Decoder<unknown, unknown>): JsonSchema {
  const known = knownCodecSchema(codec);
  if (known !== undefined) return structuredClone(known);
  if (codec instanceof t.RefinementType) {
    const base: t.Mixed = codec.type;
    return { ...jsonSchemaOf(base), ...(isIdentifier(codec.name) ? { title: codec.name } : {}) };
  }
  if (codec instanceof t.ExactType || codec instanceof t.ReadonlyType) {
    const inner: t.Mixed = codec.type;
    return jsonSchemaOf(inner);
  }
  if (codec instanceof t.InterfaceType) {
    const props: t.Props = codec.props;
    return objectSchema(props, true);
  }
  if (codec instanceof t.PartialType) {
    const props: t.Props = codec.props;
    return objectSchema(props, false);
  }
  if (codec instanceof t.IntersectionType) {
    const members: t.Mixed[] = codec.types;
    return intersectionSchema(members.map(jsonSchemaOf));
  }
  if (codec instanceof t.UnionType) {
    const members: t.Mixed[] = codec.types;
    return unionSchema(members.map(jsonSchemaOf));
  }
  if (codec instanceof t.LiteralType) return literalSchema(codec.value);
  if (codec instanceof t.KeyofType) return { type: 'string', enum: Object.keys(codec.keys) };
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    const item: t.Mixed = codec.type;
    return { type: 'array', items: jsonSchemaOf(item) };
  }
  if (codec instanceof t.DictionaryType) {
    const value: t.Mixed = codec.codomain;
    return { type: 'object', additionalProperties: jsonSchemaOf(value) };
  }
  if (codec instanceof t.StringType) return { type: 'string' };
  if (codec instanceof t.NumberType) return { type: 'number' };
  if (codec instanceof t.BooleanType) return { type: 'boolean' };
  if (codec instanceof t.NullType) return { type: 'null' };
  if (codec instanceof t.UnknownType) return {};
  // A codec of our own missing from codec-schemas.ts: named but untyped, which the docs test reports.
  return { title: codec.name };
}

