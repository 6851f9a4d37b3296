// The io-ts codecs as JSON Schemas: each combinator the routes use, and our own codecs.
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { jsonSchemaOf } from '../../../api/openapi/json-schema.js';
import { PageLimit } from '../../../api/codecs.js';
import { IsoInstant } from '../../../api/iso-instant.js';
import { Mac } from '../../../domain/device/mac.js';
import { TenantId } from '../../../domain/tenant/tenant-id.js';
import { TerminationCause } from '../../../domain/tunnel/termination-cause.js';

interface ShortBrand {
  readonly Short: unique symbol;
}
const Short = t.brand(t.string, (s): s is t.Branded<string, ShortBrand> => s.length < 5, 'Short');

describe('jsonSchemaOf', () => {
  it('describes the scalar codecs', () => {
    expect(jsonSchemaOf(t.string)).toEqual({ type: 'string' });
    expect(jsonSchemaOf(t.number)).toEqual({ type: 'number' });
    expect(jsonSchemaOf(t.boolean)).toEqual({ type: 'boolean' });
    expect(jsonSchemaOf(t.null)).toEqual({ type: 'null' });
    expect(jsonSchemaOf(t.Int)).toEqual({ type: 'integer' });
    expect(jsonSchemaOf(t.unknown)).toEqual({});
  });

  it('makes t.type properties required and t.partial ones optional, through t.exact', () => {
    expect(jsonSchemaOf(t.exact(t.type({ a: t.string, b: t.number })))).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
    expect(jsonSchemaOf(t.exact(t.partial({ a: t.string })))).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('merges an intersection of objects into one object', () => {
    const codec = t.exact(t.intersection([t.type({ a: t.string }), t.partial({ b: t.boolean })]));
    expect(jsonSchemaOf(codec)).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'boolean' } },
      required: ['a'],
    });
  });

  it('keeps allOf for an intersection that is not only objects', () => {
    const codec = t.intersection([t.string, Short]);
    expect(jsonSchemaOf(codec)).toEqual({ allOf: [{ type: 'string' }, { type: 'string', title: 'Short' }] });
  });

  it('turns literals, keyof and unions of string literals into enums, other unions into anyOf', () => {
    expect(jsonSchemaOf(t.literal('x'))).toEqual({ type: 'string', enum: ['x'] });
    expect(jsonSchemaOf(t.literal(3))).toEqual({ type: 'number', enum: [3] });
    expect(jsonSchemaOf(t.keyof({ a: null, b: null }))).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(jsonSchemaOf(t.union([t.literal('a'), t.literal('b')]))).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(jsonSchemaOf(t.union([t.string, t.number]))).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }] });
    expect(jsonSchemaOf(TerminationCause).enum).toContain('device-offline');
  });

  it('describes arrays and records', () => {
    expect(jsonSchemaOf(t.array(t.string))).toEqual({ type: 'array', items: { type: 'string' } });
    expect(jsonSchemaOf(t.readonlyArray(t.number))).toEqual({ type: 'array', items: { type: 'number' } });
    expect(jsonSchemaOf(t.record(t.string, t.boolean))).toEqual({ type: 'object', additionalProperties: { type: 'boolean' } });
  });

  it('titles a branded type with its name over its base type', () => {
    expect(jsonSchemaOf(TenantId)).toEqual({ type: 'string', title: 'TenantId' });
    expect(jsonSchemaOf(t.array(Short))).toEqual({ type: 'array', items: { type: 'string', title: 'Short' } });
  });

  it('describes our own codecs from their table entries', () => {
    expect(jsonSchemaOf(PageLimit)).toEqual({ type: 'integer', title: 'PageLimit', minimum: 1, maximum: 500 });
    expect(jsonSchemaOf(Mac)).toMatchObject({ type: 'string', title: 'Mac' });
    expect(jsonSchemaOf(IsoInstant)).toMatchObject({ type: 'string', title: 'IsoInstant' });
  });

  it('leaves an unknown codec of our own named but untyped', () => {
    const Odd = new t.Type<string, string, unknown>('Odd', t.string.is, t.string.validate, t.identity);
    expect(jsonSchemaOf(Odd)).toEqual({ title: 'Odd' });
  });

  it('returns a fresh schema each time', () => {
    const first = jsonSchemaOf(Mac);
    first.title = 'changed';
    expect(jsonSchemaOf(Mac).title).toBe('Mac');
  });
});
