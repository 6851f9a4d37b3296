export { deviceChanged, devicesProjection } from './devices-projection.js';
export { getDevice, listDevices, type ListDevicesOptions } from './device-queries.js';
export type { DeviceListState, DeviceView } from './device-view.js';
