// The `cursor` of GET /api/v1/sessions: opaque to clients (base64url of the last session's
// createdTime and id), so the order it encodes may change without breaking them.
import * as t from 'io-ts';
import type { SessionCursor as Cursor } from '../projections/sessions/index.js';

const maxCursorLength = 400;

function decodeCursor(text: string): Cursor | undefined {
  if (text.length > maxCursorLength || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parts) || parts.length !== 2) return undefined;
    const [createdTime, id] = parts as unknown[];
    return typeof createdTime === 'string' && typeof id === 'string' && id !== '' && !Number.isNaN(Date.parse(createdTime))
      ? { createdTime, id }
      : undefined;
  } catch {
    return undefined;
  }
}

export const encodeSessionCursor = (cursor: Cursor): string =>
  Buffer.from(JSON.stringify([cursor.createdTime, cursor.id])).toString('base64url');

export const SessionCursor = new t.Type<Cursor, string, unknown>(
  'SessionCursor',
  (u): u is Cursor =>
    typeof u === 'object' && u !== null && typeof (u as Cursor).createdTime === 'string' && typeof (u as Cursor).id === 'string',
  (u, c) => {
    const cursor = typeof u === 'string' ? decodeCursor(u) : undefined;
    return cursor === undefined ? t.failure(u, c, 'must be the `next` of a previous page') : t.success(cursor);
  },
  encodeSessionCursor,
);
