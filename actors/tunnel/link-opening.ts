// What opening a tunnel records: the OpenTunnel command made of the request and of where
// the tunnel was placed, with the addresses a source host name stood for when it opened.
import { lookup } from 'node:dns/promises';
import { TetherError } from '../../domain/errors.js';
import { isIPLiteral } from '../../domain/tunnel/address.js';
import type { TunnelCommand } from '../../domain/tunnel/commands.js';
import type { OpenLinkRequest } from './tunnel-requests.js';

export type OpenTunnel = Extract<TunnelCommand, { type: 'OpenTunnel' }>;

/** Where the link was placed, and what only its opening knew. */
export interface LinkPlacement {
  readonly port: number;
  readonly host: string;
  readonly relay: string;
  readonly node: string;
  readonly encrypted: boolean;
  readonly sourceAddresses: readonly string[] | undefined;
}

/** The addresses a link's source host stands for; validation_failed when it does not resolve. */
export async function resolveSource(host: string): Promise<string[]> {
  if (isIPLiteral(host)) return [host];
  try {
    const found = await lookup(host, { all: true });
    return found.map((entry) => entry.address);
  } catch {
    throw new TetherError('validation_failed', `source.host ${JSON.stringify(host)} does not resolve to an address`, ['source.host']);
  }
}

export function openTunnelCommand(
  { tunnelId, device, tenantId, settings, context, tokenHash }: OpenLinkRequest & { readonly tunnelId: string; readonly tokenHash: string },
  { port, host, relay, node, encrypted, sourceAddresses }: LinkPlacement,
): OpenTunnel {
  return {
    type: 'OpenTunnel',
    tunnelId,
    device,
    tenantId,
    protocol: settings.protocol,
    devicePort: settings.devicePort,
    ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
    ...(settings.lifetime === undefined ? {} : { lifetime: settings.lifetime }),
    ...(settings.source === undefined ? {} : { source: settings.source }),
    ...(sourceAddresses === undefined || settings.source === undefined || isIPLiteral(settings.source.host) ? {} : { sourceAddresses }),
    encrypted,
    port,
    host,
    relay,
    node,
    ...(context.ip === undefined ? {} : { userIP: context.ip }),
    tokenHash,
  };
}
