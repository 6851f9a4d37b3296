// Where a dtt-reverse application's streams go: the target as the hub reaches it, or through a
// service endpoint, an agent run with --service-endpoint that must be connected here and have
// proved its tenant.
import type { Socket } from 'node:net';
import { formatMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { ReverseApp } from '../../domain/protocol-app/app-template.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { DeviceDialer } from '../../data-plane/device-dialer.js';
import { whyNotProven } from '../../data-plane/proven-connection.js';
import { connectTarget } from '../../data-plane/target-connect.js';
import type { ServiceEndpoints } from './service-endpoints.js';

export interface ReachedTarget {
  readonly socket: Socket;
  readonly tellClosed?: (cause: TerminationCause) => void;
}

/**
 * Refuses (device_offline) unless the endpoint is connected here, announced itself a service
 * endpoint on this very connection, and proved its device password: an unproved connection
 * could be anyone claiming the MAC.
 */
export function assertServiceEndpoint(endpoint: Mac, endpoints: ServiceEndpoints, dialer: DeviceDialer): void {
  const proven = whyNotProven(dialer, endpoint) === undefined;
  if (!proven || endpoints.connectionOf(endpoint) !== dialer.connectionOf(endpoint)?.link.connectionId) {
    throw new TetherError(
      'device_offline',
      `target endpoint ${formatMac(endpoint)} is not connected to this hub as a service endpoint (tether agent --service-endpoint, assigned to a tenant)`,
    );
  }
}

export async function reachTarget(template: ReverseApp, targetPort: number, env: { readonly endpoints: ServiceEndpoints; readonly dialer: DeviceDialer }): Promise<ReachedTarget> {
  const target = { host: template.targetHost, port: targetPort };
  if (template.targetEndpoint === 'hub') return { socket: await connectTarget(target) };
  assertServiceEndpoint(template.targetEndpoint, env.endpoints, env.dialer);
  const dialed = await env.dialer.dialTcp(template.targetEndpoint, target);
  return { socket: dialed.socket, tellClosed: dialed.close };
}
