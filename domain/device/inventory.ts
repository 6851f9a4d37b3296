// What a device tells the hub about itself at each hello.
import * as t from 'io-ts';

export const InstalledApp = t.type({ name: t.string, version: t.string });
export type InstalledApp = t.TypeOf<typeof InstalledApp>;

export const DeviceInventory = t.type({
  model: t.string,
  firmware: t.string,
  apps: t.array(InstalledApp),
  categories: t.array(t.string),
});
export type DeviceInventory = t.TypeOf<typeof DeviceInventory>;
