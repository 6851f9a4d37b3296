// The one guard in front of everything the hub sends to a device: restores, update and backup
// requests, tunnels, proxies, protocol applications. A connection that did not prove the
// device password could be anyone who knows the MAC, so nothing goes to it.
import { formatMac } from '../domain/device/mac.js';
import type { Mac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import type { ControlConnection } from './control-connection.js';

/** The device connections of this node, as the device supervisor holds them. */
export interface DeviceConnections {
  /** The live control connection of a device, and the tenant it proved it belongs to (undefined: it proved nothing). */
  connectionOf(mac: Mac): { readonly link: ControlConnection; readonly tenantId: string | undefined } | undefined;
}

type Reach = { readonly link: ControlConnection } | { readonly refusal: TetherError };

function reach(devices: DeviceConnections, mac: Mac, tenantId: string | undefined): Reach {
  const connection = devices.connectionOf(mac);
  const device = formatMac(mac);
  if (connection === undefined || !connection.link.open) return { refusal: new TetherError('device_offline', `device ${device} is not connected to this hub`) };
  if (connection.tenantId === undefined) {
    return { refusal: new TetherError('device_unauthenticated', `device ${device} is connected but did not prove its device password: nothing is sent to it`) };
  }
  if (tenantId !== undefined && connection.tenantId !== tenantId) {
    return { refusal: new TetherError('device_offline', `device ${device} is connected but has not proved it is a device of tenant ${tenantId}`) };
  }
  return { link: connection.link };
}

/** Why nothing may be sent to the device now (for `tenantId`, when given); undefined when it may. */
export function whyNotProven(devices: DeviceConnections, mac: Mac, tenantId?: string): TetherError | undefined {
  const found = reach(devices, mac, tenantId);
  return 'refusal' in found ? found.refusal : undefined;
}

/** The device's control connection, if it proved the device password; throws device_offline or device_unauthenticated otherwise. */
export function provenConnection(devices: DeviceConnections, mac: Mac, tenantId?: string): ControlConnection {
  const found = reach(devices, mac, tenantId);
  if ('refusal' in found) throw found.refusal;
  return found.link;
}
