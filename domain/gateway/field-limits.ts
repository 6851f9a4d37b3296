// Everything the hub sends a device travels in one control frame, which the agent refuses
// above maxControlFrameBytes (64 KiB) by dropping the connection. So every field that reaches a
// device has a length limit, checked where the request arrives (a 400 naming the field), and the
// largest message built from them still fits a frame with room to spare.
import * as t from 'io-ts';

/** A URL the device fetches or stores to, as sent: an update's binary, a backup's location, a restore's file. */
export const maxUrlLength = 2048;
/** A URL under which the hub adds path segments (a catalog's base, a backup target): room is left for them. */
export const maxBaseUrlLength = 1024;
/** A WebDAV username or password. */
export const maxCredentialLength = 1024;

/** A string of `min` to `max` characters that passes `test`; `rule` is what the error says otherwise. */
export function boundedString(name: string, max: number, rule: string, test: (s: string) => boolean = () => true, min = 1): t.Type<string, string, unknown> {
  const valid = (u: unknown): u is string => typeof u === 'string' && u.length >= min && u.length <= max && test(u);
  return new t.Type<string, string, unknown>(name, valid, (u, c) => (valid(u) ? t.success(u) : t.failure(u, c, rule)), t.identity);
}

/** A WebDAV username or password: 1 to maxCredentialLength characters. */
export const Credential = boundedString('Credential', maxCredentialLength, `expected 1 to ${maxCredentialLength} characters`);
