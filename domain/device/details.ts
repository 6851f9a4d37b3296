// What an admin says of a device, beside what the device reports of itself: a name (the seed's
// "PC m01"), the site it stands at, and categories that jobs select it by.
import * as t from 'io-ts';
import { limited, ReportedCategories } from './inventory.js';

export const maxDetailText = 100;

export const DeviceDetailText = limited(t.string, (text) => text.length >= 1 && text.length <= maxDetailText, `1 to ${maxDetailText} characters`);
/** The same limits as the categories a hello reports. */
export const AdminCategories = ReportedCategories;

/** The fields a change sets; an absent field is kept, null clears it. */
export interface DeviceDetailsChange {
  readonly name?: string | null;
  readonly site?: string | null;
  readonly categories?: readonly string[];
}

/** A device's categories for job selection: those it reports and those an admin set, each once. */
export const categoriesOf = (device: { readonly categories: readonly string[]; readonly adminCategories: readonly string[] }): readonly string[] => [
  ...new Set([...device.categories, ...device.adminCategories]),
];
