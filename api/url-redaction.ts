// Request URLs as logs may show them: a DeviceLink close token travels in the path, and a
// credential may sit in a query parameter or an absolute URL's user part; none of them may
// reach a log line in clear.
import { isRight } from 'fp-ts/lib/Either.js';
import { decodeMac } from '../domain/device/mac.js';

export const redactedMark = '[redacted]';

const secretQueryNames = /^(token|access_token|password|secret|code|key|auth)$/i;
// The segment after /devicelink/ is a device's MAC on open, the close token on delete.
const deviceLinkSegment = /(\/devicelink\/)([^/?#]*)/i;

function isMacSegment(segment: string): boolean {
  try {
    return isRight(decodeMac(decodeURIComponent(segment)));
  } catch {
    return false;
  }
}

function redactPath(path: string): string {
  return path.replace(deviceLinkSegment, (whole, prefix: string, segment: string) =>
    segment === '' || isMacSegment(segment) ? whole : `${prefix}${redactedMark}`,
  );
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && secretQueryNames.test(name) ? `${name}=${redactedMark}` : pair;
    })
    .join('&');
}

/** `url` (a request path or an absolute URL) with its tokens and credentials replaced by a mark. */
export function redactUrl(url: string): string {
  const withoutUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${redactedMark}@`);
  const queryAt = withoutUser.indexOf('?');
  if (queryAt < 0) return redactPath(withoutUser);
  return `${redactPath(withoutUser.slice(0, queryAt))}?${redactQuery(withoutUser.slice(queryAt + 1))}`;
}
