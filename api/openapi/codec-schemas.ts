// The JSON Schemas of the request codecs that are our own t.Type (not built from io-ts
// combinators, so their rule is code json-schema.ts cannot read): each restates its rule for
// readers of the documentation. A new such codec in a request gets its entry here.
import * as t from 'io-ts';
import { AdminCategories, DeviceDetailText, maxDetailText } from '../../domain/device/details.js';
import { maxInventoryCategories, maxInventoryText } from '../../domain/device/inventory.js';
import { acceptedMacForms, Mac } from '../../domain/device/mac.js';
import { BackupTargetUrl } from '../../domain/backup-job/backup-location.js';
import { Credential, maxBaseUrlLength, maxCredentialLength, maxUrlLength } from '../../domain/gateway/field-limits.js';
import { HttpUrl, UpdateTarget, WebdavAuth } from '../../domain/gateway/job-messages.js';
import { RelayChoice } from '../../domain/tunnel/devicelink-request.js';
import {
  ByteCount,
  Host,
  IvHex,
  ivHexLength,
  KeyHex,
  keyHexLength,
  LinkProtocol,
  maxTimeoutMs,
  Port,
  TimeoutMs,
} from '../../domain/tunnel/link-fields.js';
import { maxPageLimit, PageLimit } from '../codecs.js';
import { IsoInstant } from '../iso-instant.js';
import { JobCursor } from '../jobs/job-cursor.js';
import { SessionCursor } from '../session-cursor.js';
import type { JsonSchema } from './json-schema.js';

const hex = (length: number): string => `^[0-9A-Fa-f]{${length}}$`;

const schemas = new Map<t.Decoder<unknown, unknown>, JsonSchema>([
  [
    Mac,
    {
      type: 'string',
      title: 'Mac',
      description: `a MAC address: ${acceptedMacForms}`,
      pattern: '^[0-9A-Fa-f]{2}(?:(?::[0-9A-Fa-f]{2}){5}|(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{10})$',
      examples: ['00:11:22:AA:BB:CC'],
    },
  ],
  [
    IsoInstant,
    {
      type: 'string',
      title: 'IsoInstant',
      description: 'an ISO 8601 date (midnight UTC), or date and time with Z or an offset',
      examples: ['2026-01-31T08:00:00Z'],
    },
  ],
  [PageLimit, { type: 'integer', title: 'PageLimit', minimum: 1, maximum: maxPageLimit }],
  [SessionCursor, { type: 'string', title: 'SessionCursor', description: 'the `next` of a previous page' }],
  [Port, { type: 'integer', title: 'Port', minimum: 1, maximum: 65535 }],
  [TimeoutMs, { type: 'integer', title: 'TimeoutMs', description: 'milliseconds', minimum: 1, maximum: maxTimeoutMs }],
  [LinkProtocol, { type: 'string', title: 'LinkProtocol', enum: ['tcp', 'udp'] }],
  [Host, { type: 'string', title: 'Host', description: 'an IPv4 address, an IPv6 address (without brackets) or a host name' }],
  [KeyHex, { type: 'string', title: 'KeyHex', description: 'AES-256 key, 32 bytes in hex', pattern: hex(keyHexLength) }],
  [IvHex, { type: 'string', title: 'IvHex', description: 'initialization vector, 16 bytes in hex', pattern: hex(ivHexLength) }],
  [ByteCount, { type: 'integer', title: 'ByteCount', minimum: 0 }],
  [RelayChoice, { type: 'string', title: 'RelayChoice', description: '"hub", or the name of a relay', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' }],
  [DeviceDetailText, { type: 'string', title: 'DeviceDetailText', minLength: 1, maxLength: maxDetailText }],
  [
    AdminCategories,
    {
      type: 'array',
      title: 'Categories',
      description: `at most ${maxInventoryCategories} categories`,
      items: { type: 'string', maxLength: maxInventoryText },
    },
  ],
  [t.Int, { type: 'integer' }],
  [t.UnknownRecord, { type: 'object', description: 'a JSON object' }],
  [HttpUrl, { type: 'string', title: 'HttpUrl', description: 'an absolute http or https URL', maxLength: maxUrlLength }],
  [Credential, { type: 'string', title: 'Credential', minLength: 1, maxLength: maxCredentialLength }],
  [
    BackupTargetUrl,
    { type: 'string', title: 'BackupTargetUrl', description: 'an absolute http or https URL without credentials, query or fragment', maxLength: maxBaseUrlLength },
  ],
  [JobCursor, { type: 'string', title: 'JobCursor', description: 'the `next` of a previous page' }],
  [
    UpdateTarget,
    {
      title: 'UpdateTarget',
      anyOf: [
        { type: 'object', properties: { kind: { type: 'string', enum: ['firmware'] }, version: { type: 'string' } }, required: ['kind', 'version'] },
        {
          type: 'object',
          description: 'an app of apps.json, or a package of software.json, by its id',
          properties: { kind: { type: 'string', enum: ['app', 'software'] }, name: { type: 'string' }, version: { type: 'string' } },
          required: ['kind', 'name', 'version'],
        },
      ],
    },
  ],
  [
    WebdavAuth,
    {
      title: 'WebdavAuth',
      anyOf: [
        { type: 'object', properties: { type: { type: 'string', enum: ['none'] } }, required: ['type'] },
        {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['basic', 'digest'] },
            username: { type: 'string', minLength: 1, maxLength: maxCredentialLength },
            password: { type: 'string', minLength: 1, maxLength: maxCredentialLength },
          },
          required: ['type', 'username', 'password'],
        },
      ],
    },
  ],
]);

export const knownCodecSchema = (codec: t.Decoder<unknown, unknown>): JsonSchema | undefined => schemas.get(codec);
