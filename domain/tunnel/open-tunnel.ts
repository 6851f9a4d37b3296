// Deciding OpenTunnel: the API validated the request already, but the command may come from
// elsewhere (a relay, a script), and an event once stored is forever: check every field.
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { canonicalHost, isHost, isIPLiteral } from './address.js';
import type { TunnelCommand } from './commands.js';
import type { TunnelOpened } from './events.js';
import { LinkSource, Port, TimeoutMs } from './link-fields.js';
import { isTokenHash, isTunnelId } from './link-token.js';

type OpenTunnel = Extract<TunnelCommand, { type: 'OpenTunnel' }>;

function problemsOf(command: OpenTunnel): ReadonlyMap<string, string> {
  const problems = new Map<string, string>();
  const check = (ok: boolean, path: string, message: string): void => {
    if (!ok && !problems.has(path)) problems.set(path, message);
  };
  check(isTunnelId(command.tunnelId), 'tunnelId', 'tunnelId must be a UUID in lower case');
  check(command.tenantId !== '', 'tenantId', 'a tenant is required');
  check(Port.is(command.devicePort), 'devicePort', 'devicePort must be a whole number from 1 to 65535');
  check(Port.is(command.port), 'port', 'port must be a whole number from 1 to 65535');
  check(isHost(command.host), 'host', 'host (the bind address) must be an IP address or a host name');
  check(command.relay !== '', 'relay', 'relay must be "hub" or the name of a relay');
  check(isTokenHash(command.tokenHash), 'tokenHash', 'tokenHash must be the SHA-256 of the token secret, 64 lower-case hex digits');
  check(command.userIP === undefined || command.userIP !== '', 'userIP', 'userIP may not be empty');
  if (command.lifetime !== undefined) {
    check(command.protocol === 'tcp', 'lifetime', 'lifetime applies to TCP links only');
    check(TimeoutMs.is(command.lifetime), 'lifetime', 'lifetime must be a whole number of milliseconds from 1 to 2147483647');
  }
  if (command.timeout !== undefined) {
    check(command.protocol === 'udp', 'timeout', 'timeout applies to UDP links only');
    check(TimeoutMs.is(command.timeout), 'timeout', 'timeout must be a whole number of milliseconds from 1 to 2147483647');
  }
  const { source, sourceAddresses } = command;
  if (source === undefined) {
    check(sourceAddresses === undefined, 'sourceAddresses', 'sourceAddresses belong to a source');
  } else {
    check(LinkSource.is(source), 'source', 'source must be {host, port} with a valid host and a port from 1 to 65535');
    if (!isIPLiteral(source.host)) {
      const resolved = sourceAddresses ?? [];
      check(
        resolved.length > 0 && resolved.every(isIPLiteral),
        'sourceAddresses',
        `source.host ${JSON.stringify(source.host)} is a host name: the IP addresses it resolves to are required`,
      );
    }
  }
  return problems;
}

/** The addresses pinning compares against, canonical: the source's own when it is an IP literal. */
function addressesOf(command: OpenTunnel): string[] | undefined {
  const { source, sourceAddresses } = command;
  if (source === undefined) return undefined;
  const addresses = isIPLiteral(source.host) ? [source.host] : (sourceAddresses ?? []);
  return [...new Set(addresses.map(canonicalHost))];
}

export function decideOpenTunnel(command: OpenTunnel, { now, principal }: DecisionContext): TunnelOpened {
  const problems = problemsOf(command);
  if (problems.size > 0) {
    const paths = [...problems.keys()].sort();
    throw new TetherError('validation_failed', paths.map((path) => problems.get(path)).join('; '), paths);
  }
  const { type: _type, source, sourceAddresses: _resolved, timeout, lifetime, userIP, ...fields } = command;
  const sourceAddresses = addressesOf(command);
  return {
    type: 'TunnelOpened',
    data: {
      ...fields,
      requestedBy: { id: principal.id, role: principal.role },
      createdTime: now.toISOString(),
      ...(timeout === undefined ? {} : { timeout }),
      ...(lifetime === undefined ? {} : { lifetime, expiresAt: new Date(now.getTime() + lifetime).toISOString() }),
      ...(source === undefined ? {} : { source: { host: source.host, port: source.port } }),
      ...(sourceAddresses === undefined ? {} : { sourceAddresses }),
      ...(userIP === undefined ? {} : { userIP }),
    },
  };
}
