// Decoding and encoding of control frames, shared by the hub and the agent.
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { TetherError } from '../errors.js';
import type { AgentMessage } from './agent-messages.js';
import type { HubMessage } from './hub-messages.js';

/** A control frame larger than this is refused unread. */
export const maxControlFrameBytes = 64 * 1024;

// Union and intersection members add their index to the context; it is no part of the path.
const transparent = new Set(['UnionType', 'IntersectionType']);

function pathOf(context: t.Context): string {
  const keys: string[] = [];
  context.forEach((entry, i) => {
    const parent = context[i - 1];
    if (i === 0 || entry.key === '') return;
    if (parent && transparent.has((parent.type as { _tag?: string })._tag ?? '')) return;
    keys.push(entry.key);
  });
  return keys.length === 0 ? '(message)' : keys.join('.');
}

function problemOf(error: t.ValidationError): string {
  const expected = error.context.at(-1)?.type.name ?? 'a valid value';
  return error.message ?? `expected ${expected}`;
}

function utf8Length(text: string): number {
  // Each UTF-16 unit takes at most 3 bytes of UTF-8: most frames need no encoding to measure.
  return text.length * 3 <= maxControlFrameBytes ? text.length : new TextEncoder().encode(text).length;
}

/** A control message, or a TetherError naming the offending paths (never their values). */
export function decodeMessage<A>(codec: t.Type<A, unknown, unknown>, text: string): Either<TetherError, A> {
  if (text.length > maxControlFrameBytes || utf8Length(text) > maxControlFrameBytes) {
    return left(new TetherError('payload_too_large', `a control message may not exceed ${maxControlFrameBytes} bytes`));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return left(new TetherError('validation_failed', 'a control message is a JSON object', ['(message)']));
  }
  const decoded = codec.decode(json);
  if (!isLeft(decoded)) return right(decoded.right);
  const problems = new Map<string, string>();
  for (const error of decoded.left) {
    const path = pathOf(error.context);
    if (!problems.has(path)) problems.set(path, problemOf(error));
  }
  const paths = [...problems.keys()].sort();
  const summary = paths.map((path) => `${path}: ${problems.get(path) ?? ''}`).join('; ');
  return left(new TetherError('validation_failed', `invalid ${codec.name} (${summary})`, paths));
}

export const encodeMessage = (message: AgentMessage | HubMessage): string => JSON.stringify(message);

/** False for a message the agent would refuse unread, dropping its connection with it. */
export const fitsControlFrame = (message: AgentMessage | HubMessage): boolean => utf8Length(encodeMessage(message)) <= maxControlFrameBytes;
