import { ruled } from '../forward-session/target-fields.js';

// A stream id starts with a letter or digit (domain/stream-name.ts): an id starting with "-" or
// "_" passed here once and was then refused by the store as invalid_stream_name.
const pattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const proxyIdRule = 'must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit';

/** The seed's "Proxy ID": letters, digits, `-` and `_`, no other characters; immutable; the id of stream `proxy-<id>`. */
export const ProxyId = ruled(
  'ProxyId',
  proxyIdRule,
  (u): u is string => typeof u === 'string' && pattern.test(u),
);
export const isProxyId = (value: string): boolean => pattern.test(value);
