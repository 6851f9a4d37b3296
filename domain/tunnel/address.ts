// Host names and IP literals as DeviceLink meets them: in a request's `source.host`, and as
// the peer address a socket reports. Pinning compares addresses, so both go through one
// canonical form: a dual-stack socket reports an IPv4 client as `::ffff:192.0.2.1`, and
// `2001:DB8::1` and `2001:db8:0:0:0:0:0:1` are one client.

const ipv4Octet = /^(?:0|[1-9][0-9]{0,2})$/;
const hexGroup = /^[0-9a-fA-F]{1,4}$/;
const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Dotted-quad IPv4; leading zeros are refused, since some resolvers read them as octal. */
export function isIPv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((octet) => ipv4Octet.test(octet) && Number(octet) <= 255);
}

function ipv4Groups(text: string): number[] | undefined {
  if (!isIPv4(text)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const last = pieces.at(-1) ?? '';
  const tail = last.includes('.') ? ipv4Groups(last) : undefined;
  if (last.includes('.') && tail === undefined) return undefined;
  const hex = tail === undefined ? pieces : pieces.slice(0, -1);
  if (!hex.every((piece) => hexGroup.test(piece))) return undefined;
  return [...hex.map((piece) => parseInt(piece, 16)), ...(tail ?? [])];
}

/** The eight 16-bit groups of an IPv6 literal (no brackets, no zone), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  if (text.length > 45 || text.split('::').length > 2) return undefined;
  const compressed = text.includes('::');
  const [head = '', tail = ''] = compressed ? text.split('::') : [text, ''];
  const front = groupsOf(head);
  const back = groupsOf(tail);
  if (front === undefined || back === undefined) return undefined;
  // An embedded IPv4 part may only end the address.
  if (compressed && head.includes('.')) return undefined;
  const missing = 8 - front.length - back.length;
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  return [...front, ...new Array<number>(missing).fill(0), ...back];
}

export const isIPv6 = (text: string): boolean => parseIPv6(text) !== undefined;

export const isIPLiteral = (text: string): boolean => isIPv4(text) || isIPv6(text);

/** An RFC 1123 host name; an all-numeric last label would be an IPv4 typo, not a name. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.split('.');
  return labels.every((part) => label.test(part)) && !/^[0-9]+$/.test(labels.at(-1) ?? '');
}

export const isHost = (text: string): boolean => isIPLiteral(text) || isHostname(text);

// RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as `::`.
function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length += 1;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

const isMappedIPv4 = (groups: readonly number[]): boolean =>
  groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;

/**
 * The canonical form of an address or host name, used wherever two are compared: IPv4 as is,
 * an IPv4-mapped IPv6 address as its IPv4 address, other IPv6 per RFC 5952, names in lower case.
 */
export function canonicalHost(text: string): string {
  const groups = parseIPv6(text);
  if (groups === undefined) return text.toLowerCase();
  if (isMappedIPv4(groups)) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return formatIPv6(groups);
}
