// `tether serve` options for what one client address may make the hub store: device gateway
// connections, hellos and new devices, and new relays awaiting approval.
import { Option } from 'commander';
import { defaultGatewayLimits } from '../actors/gateway/gateway-admission.js';
import type { GatewayLimits } from '../actors/gateway/gateway-admission.js';
import { parsePositiveCount } from './cli-options.js';

export interface LimitOptions {
  readonly gatewayConnectionsPerIp?: number;
  readonly gatewayHellosPerIp?: number;
  readonly deviceRegistrationsPerIp?: number;
  readonly relayRegistrationsPerIp?: number;
}

export const gatewayConnectionsOption = (): Option =>
  new Option('--gateway-connections-per-ip <n>', `device gateway connections open at once from one address; more get HTTP 429 (default: ${defaultGatewayLimits.connectionsPerIp})`).argParser(parsePositiveCount);
export const gatewayHellosOption = (): Option =>
  new Option('--gateway-hellos-per-ip <n>', `device hellos per second from one address; more are refused and the agent tries again (default: ${defaultGatewayLimits.hellosPerSecondPerIp})`).argParser(parsePositiveCount);
export const deviceRegistrationsOption = (): Option =>
  new Option('--device-registrations-per-ip <n>', `MACs never seen before one address may register per hour, on every node together; more are refused (default: ${defaultGatewayLimits.registrationsPerHourPerIp})`).argParser(parsePositiveCount);
export const relayRegistrationsOption = (): Option =>
  new Option('--relay-registrations-per-ip <n>', 'new relays awaiting approval one address may register per hour, on every node together (default: 10)').argParser(parsePositiveCount);

/** The hub's limits per address; what is not given keeps the hub's default. */
export function limitsConfigOf(options: LimitOptions): { readonly gatewayLimits: Partial<GatewayLimits>; readonly relayRegistrationsPerHourPerIp?: number } {
  return {
    gatewayLimits: {
      ...(options.gatewayConnectionsPerIp === undefined ? {} : { connectionsPerIp: options.gatewayConnectionsPerIp }),
      ...(options.gatewayHellosPerIp === undefined ? {} : { hellosPerSecondPerIp: options.gatewayHellosPerIp }),
      ...(options.deviceRegistrationsPerIp === undefined ? {} : { registrationsPerHourPerIp: options.deviceRegistrationsPerIp }),
    },
    ...(options.relayRegistrationsPerIp === undefined ? {} : { relayRegistrationsPerHourPerIp: options.relayRegistrationsPerIp }),
  };
}
