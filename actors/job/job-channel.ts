// Job requests go over the device's control connection on this node, once it proved the device password.
import type { Mac } from '../../domain/device/mac.js';
import type { JobChannel } from './job-kind.js';
import { provenConnection, whyNotProven } from '../../data-plane/proven-connection.js';
import type { DeviceConnections } from '../../data-plane/proven-connection.js';

export const jobChannelOf = (devices: DeviceConnections): JobChannel => ({
  refusal: (mac: Mac) => whyNotProven(devices, mac),
  send(mac, message) {
    if (whyNotProven(devices, mac) !== undefined) return false;
    provenConnection(devices, mac).send(message);
    return true;
  },
});
