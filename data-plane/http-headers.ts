// How HTTP headers change on their way through the hub (http-over-device, protocol
// applications of type http). Hop-by-hop headers stay on their hop. When the profile names
// who may frame the target (the dashboard's origin), the device's own refusal to be framed
// (X-Frame-Options, a CSP frame-ancestors directive) is replaced by exactly that list:
// browsers enforce every CSP header they get, so the directive is taken out of each one.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(text.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token !== ''));
}

export interface Origin {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
}

export const hostHeaderOf = (origin: Origin): string => {
  const host = origin.host.includes(':') ? `[${origin.host}]` : origin.host;
  return origin.port === (origin.secure ? 443 : 80) ? host : `${host}:${origin.port}`;
};

/** The request as the target gets it: for its own host, with where it came from in X-Forwarded-*. */
export function requestHeaders(incoming: IncomingHttpHeaders, target: Origin, clientIP: string): OutgoingHttpHeaders {
  const named = connectionTokens(incoming.connection);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || hopByHop.has(name) || named.has(name) || name === 'host') continue;
    headers[name] = value;
  }
  const forwardedFor = incoming['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor === undefined ? clientIP : `${Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor}, ${clientIP}`;
  if (incoming.host !== undefined) headers['x-forwarded-host'] = incoming.host;
  headers['x-forwarded-proto'] = 'http';
  headers.host = hostHeaderOf(target);
  return headers;
}

const withoutFrameAncestors = (policy: string): string =>
  policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && !/^frame-ancestors(\s|$)/i.test(directive))
    .join('; ');

/** A redirect to the target's own origin becomes a path, so the browser stays on the hub. */
function localLocation(location: string, target: Origin): string {
  const scheme = target.secure ? 'https' : 'http';
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  for (const origin of new Set([`${scheme}://${host}:${target.port}`, `${scheme}://${hostHeaderOf(target)}`])) {
    if (location === origin) return '/';
    if (location.startsWith(`${origin}/`) || location.startsWith(`${origin}?`)) return location.slice(origin.length);
  }
  return location;
}

/**
 * The response as the browser gets it, as raw [name, value] pairs (case and repeats kept).
 * `frameAncestors`: when given, the target may be framed by exactly these sources.
 */
export function responseHeaders(rawHeaders: readonly string[], target: Origin, frameAncestors: readonly string[] | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '']);
  const named = connectionTokens(pairs.filter(([name]) => name.toLowerCase() === 'connection').map(([, value]) => value));
  const out: [string, string][] = [];
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || named.has(lower)) continue;
    if (lower === 'location') {
      out.push([name, localLocation(value, target)]);
      continue;
    }
    if (frameAncestors !== undefined && lower === 'x-frame-options') continue;
    if (frameAncestors !== undefined && lower === 'content-security-policy') {
      const rest = withoutFrameAncestors(value);
      if (rest !== '') out.push([name, rest]);
      continue;
    }
    out.push([name, value]);
  }
  if (frameAncestors !== undefined) out.push(['Content-Security-Policy', `frame-ancestors ${frameAncestors.join(' ')}`]);
  return out;
}
