import { ruled } from '../forward-session/target-fields.js';

const pattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The seed's "Proxy ID": letters, digits, `-` and `_`, no other characters; immutable; the id of stream `proxy-<id>`. */
export const ProxyId = ruled(
  'ProxyId',
  'must be 1 to 64 letters, digits, "-" or "_" (no other characters)',
  (u): u is string => typeof u === 'string' && pattern.test(u),
);
export const isProxyId = (value: string): boolean => pattern.test(value);
