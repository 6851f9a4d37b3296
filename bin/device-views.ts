// The devices as the hub's device API answers (projections/devices DeviceView): the fields
// the commands show are checked; --json prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

const nullableString = t.union([t.string, t.null]);
const Installed = t.array(t.type({ name: t.string, version: t.string }));

export const DeviceView = t.type(
  {
    mac: t.string,
    tenant: nullableString,
    state: t.string,
    online: t.boolean,
    ip: nullableString,
    lastSeen: nullableString,
    connectedSince: nullableString,
    model: t.string,
    firmware: t.string,
    apps: Installed,
    software: Installed,
    categories: t.array(t.string),
    name: nullableString,
    site: nullableString,
    adminCategories: t.array(t.string),
    registeredAt: t.string,
    updatedAt: t.string,
  },
  'a device',
);
export type DeviceView = t.TypeOf<typeof DeviceView>;

export const DevicePage = pageOf(DeviceView, 'a page of devices');

export const DeviceAssignment = t.type({ mac: t.string, tenant: nullableString }, 'a device assignment');
