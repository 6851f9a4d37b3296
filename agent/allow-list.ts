// The targets an agent lets the hub open streams to (`tether agent --allow HOST:PORTS`). Hosts
// are compared as written, in canonical form (`::ffff:127.0.0.1` is `127.0.0.1`, names in lower
// case) and never resolved: checking happens before any lookup or connect, so `localhost:*`
// allows the name `localhost`, not the address 127.0.0.1.
import { TetherError } from '../domain/errors.js';
import { canonicalHost, isHostname, isIPLiteral, isIPv6 } from '../domain/tunnel/address.js';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface AllowRule {
  /** A canonical IP or lower-case host name; `*` is any host. */
  readonly host: string;
  /** `*` is any port. */
  readonly ports: '*' | readonly PortRange[];
}

export interface AllowTarget {
  readonly host: string;
  readonly port: number;
}

const anyHost = '*';
const anyPort = '*';

export const defaultAllowList: readonly AllowRule[] = [{ host: '127.0.0.1', ports: anyPort }];

const invalid = (text: string, why: string): TetherError =>
  new TetherError('validation_failed', `--allow ${JSON.stringify(text)}: ${why}`);

const formatHost = (host: string): string => (isIPv6(host) ? `[${host}]` : host);

function parsePort(text: string, rule: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw invalid(rule, `${JSON.stringify(text)} is not a port (1 to 65535)`);
  return port;
}

function parsePorts(text: string, rule: string): AllowRule['ports'] {
  if (text === anyPort) return anyPort;
  return text.split(',').map((part) => {
    const bounds = part.split('-');
    if (bounds.length > 2) throw invalid(rule, `${JSON.stringify(part)} is not a port or a range N-M`);
    const from = parsePort(bounds[0] ?? '', rule);
    const to = bounds[1] === undefined ? from : parsePort(bounds[1], rule);
    if (to < from) throw invalid(rule, `the range ${part} ends before it starts`);
    return { from, to };
  });
}

function splitHostPorts(text: string): [host: string, ports: string] {
  if (text.startsWith('[')) {
    const close = text.indexOf(']:');
    if (close < 0) throw invalid(text, 'expected [IPv6]:PORTS, e.g. [::1]:22');
    const host = text.slice(1, close);
    if (!isIPv6(host)) throw invalid(text, `${JSON.stringify(host)} in brackets is not an IPv6 address`);
    return [host, text.slice(close + 2)];
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw invalid(text, 'expected HOST:PORTS, e.g. 127.0.0.1:22 or *:*');
  const host = text.slice(0, colon);
  if (host.includes(':')) throw invalid(text, 'put an IPv6 address in brackets, e.g. [::1]:22');
  return [host, text.slice(colon + 1)];
}

/** `HOST:PORTS`: HOST an IP, a host name, `[IPv6]` or `*`; PORTS `*` or a comma list of N and N-M. */
export function parseAllowRule(text: string): AllowRule {
  const [host, ports] = splitHostPorts(text.trim());
  if (host !== anyHost && !isIPLiteral(host) && !isHostname(host)) {
    throw invalid(text, `${JSON.stringify(host)} is not an IP address, a host name or *`);
  }
  if (ports === '') throw invalid(text, 'expected ports after the colon: *, N, N-M or a comma list of those');
  return { host: host === anyHost ? anyHost : canonicalHost(host), ports: parsePorts(ports, text) };
}

const portAllowed = (ports: AllowRule['ports'], port: number): boolean =>
  ports === anyPort || ports.some(({ from, to }) => port >= from && port <= to);

export function isAllowed(rules: readonly AllowRule[], target: AllowTarget): boolean {
  const host = canonicalHost(target.host);
  return rules.some((rule) => (rule.host === anyHost || rule.host === host) && portAllowed(rule.ports, target.port));
}

/** A rule as it would be given to --allow, in canonical form. */
export function formatAllowRule(rule: AllowRule): string {
  const ports = rule.ports === anyPort ? anyPort : rule.ports.map(({ from, to }) => (from === to ? `${from}` : `${from}-${to}`)).join(',');
  return `${formatHost(rule.host)}:${ports}`;
}

export const formatTarget = (target: AllowTarget): string => `${formatHost(canonicalHost(target.host))}:${target.port}`;

/** For people: why a target was refused. */
export const refusalMessage = (rules: readonly AllowRule[], target: AllowTarget): string =>
  `${formatTarget(target)} is not allowed by --allow (allowed: ${rules.map(formatAllowRule).join(', ')})`;
