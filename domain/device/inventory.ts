// What a device tells the hub about itself at each hello.
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

export const InstalledApp = t.type({ name: t.string, version: t.string });
export type InstalledApp = t.TypeOf<typeof InstalledApp>;

export const DeviceInventory = t.type({
  model: t.string,
  firmware: t.string,
  apps: t.array(InstalledApp),
  /** Software packages (software.json) the device has installed: the same shape as apps. */
  software: t.array(InstalledApp),
  categories: t.array(t.string),
});
export type DeviceInventory = t.TypeOf<typeof DeviceInventory>;

// Anyone may say hello, and what a hello reports is stored: its size is bounded here, in the
// wire codec, so a hello past it is refused with the path of the field. Stored events keep the
// plain codecs above, so that what was stored before these limits still replays.
export const maxInventoryText = 200;
export const maxInventoryApps = 200;
export const maxInventorySoftware = 200;
export const maxInventoryCategories = 100;

/** `codec` narrowed to the values that fit; unbranded, so that the agent builds hellos from plain values. */
export function limited<A>(codec: t.Type<A, A, unknown>, fits: (value: A) => boolean, name: string): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    (input): input is A => codec.is(input) && fits(input),
    (input, context) => {
      const decoded = codec.validate(input, context);
      return isLeft(decoded) || fits(decoded.right) ? decoded : t.failure(input, context);
    },
    t.identity,
  );
}

export const InventoryText = limited(t.string, (text) => text.length <= maxInventoryText, `at most ${maxInventoryText} characters`);
/** A list of installed packages (apps, software) of at most `max` entries. */
const reportedPackages = (max: number, what: string): t.Type<InstalledApp[], InstalledApp[], unknown> =>
  limited(t.array(t.type({ name: InventoryText, version: InventoryText })), (packages) => packages.length <= max, `at most ${max} ${what}`);
export const ReportedApps = reportedPackages(maxInventoryApps, 'apps');
export const ReportedSoftware = reportedPackages(maxInventorySoftware, 'software packages');
export const ReportedCategories = limited(t.array(InventoryText), (categories) => categories.length <= maxInventoryCategories, `at most ${maxInventoryCategories} categories`);

/** An inventory as recorded (read-only). */
export interface RecordedInventory {
  readonly model: string;
  readonly firmware: string;
  readonly apps: readonly InstalledApp[];
  readonly software: readonly InstalledApp[];
  readonly categories: readonly string[];
}

const sameApps = (a: readonly InstalledApp[], b: readonly InstalledApp[]): boolean =>
  a.length === b.length && a.every((app, i) => app.name === b[i]?.name && app.version === b[i]?.version);

/**
 * The inventory as events record it: `software` only when the device reports some, so that
 * events of devices without software keep their shape (and an inventory recorded without it
 * means none).
 */
export const recordedFields = ({ software, ...rest }: DeviceInventory): Omit<DeviceInventory, 'software'> & { readonly software?: InstalledApp[] } =>
  software.length === 0 ? rest : { ...rest, software };

/** Whether two inventories say the same, in the same order. */
export const sameInventory = (a: RecordedInventory, b: RecordedInventory): boolean =>
  a.model === b.model &&
  a.firmware === b.firmware &&
  sameApps(a.apps, b.apps) &&
  sameApps(a.software, b.software) &&
  a.categories.length === b.categories.length &&
  a.categories.every((category, i) => category === b.categories[i]);

/** What a connection reports, as its event records it: any inventory field may be absent. */
export interface ReportedInventory {
  readonly model?: string;
  readonly firmware?: string;
  readonly apps?: readonly InstalledApp[];
  readonly software?: readonly InstalledApp[];
  readonly categories?: readonly string[];
}

/**
 * The inventory after a connection: without an inventory, the device reported the one recorded;
 * an inventory recorded without software reports none.
 */
export const inventoryAfter = (recorded: RecordedInventory, reported: ReportedInventory): RecordedInventory => ({
  model: reported.model ?? recorded.model,
  firmware: reported.firmware ?? recorded.firmware,
  apps: reported.apps ?? recorded.apps,
  software: reported.model === undefined ? recorded.software : (reported.software ?? []),
  categories: reported.categories ?? recorded.categories,
});
