// Job requests go over the device's control connection on this node.
import type { Mac } from '../domain/device/mac.js';
import type { DeviceLink } from './device-link.js';
import type { JobChannel } from './job-pool.js';

export interface DeviceConnectionsOfNode {
  connectionOf(mac: Mac): { readonly link: DeviceLink } | undefined;
}

export const jobChannelOf = (devices: DeviceConnectionsOfNode): JobChannel => ({
  send(mac, message) {
    const link = devices.connectionOf(mac)?.link;
    if (link === undefined || !link.open) return false;
    link.send(message);
    return true;
  },
});
