// firmware.json, apps.json and software.json exactly in the seed's format (see
// seeds/device-management.txt, "Sample firmware.json" ...), plus one extension: an optional
// `sha256` per version, which the agent verifies (firmware: one per device id, since each model
// has its own binary; apps and software: one hex string). Folder, binary, build and device ids
// become URL path segments, so they must be plain names.
import * as t from 'io-ts';

interface SegmentBrand {
  readonly Segment: unique symbol;
}
/** A name that is safe as one URL path segment: letters, digits, `.`, `_`, `-`, not `.` or `..`. */
export const Segment = t.brand(
  t.string,
  (s): s is t.Branded<string, SegmentBrand> => /^[A-Za-z0-9._-]{1,200}$/.test(s) && s !== '.' && s !== '..',
  'Segment',
);

interface VersionIdBrand {
  readonly VersionId: unique symbol;
}
export const VersionId = t.brand(t.string, (s): s is t.Branded<string, VersionIdBrand> => s.length > 0 && s.length <= 200, 'VersionId');

interface Sha256Brand {
  readonly Sha256: unique symbol;
}
export const Sha256 = t.brand(t.string, (s): s is t.Branded<string, Sha256Brand> => /^[0-9a-fA-F]{64}$/.test(s), 'Sha256');

export const FirmwareVersion = t.intersection([
  t.type({ id: VersionId, build: Segment, text: t.string, wiki: t.string }),
  t.partial({ sha256: t.record(t.string, Sha256) }),
]);
export type FirmwareVersion = t.TypeOf<typeof FirmwareVersion>;

export const FirmwareDevice = t.type({ id: Segment, versions: t.array(VersionId) });
export type FirmwareDevice = t.TypeOf<typeof FirmwareDevice>;

export const FirmwareCatalog = t.type({ devices: t.array(FirmwareDevice), versions: t.array(FirmwareVersion) });
export type FirmwareCatalog = t.TypeOf<typeof FirmwareCatalog>;

export const PackageVersion = t.intersection([t.type({ id: VersionId, build: Segment, label: t.string }), t.partial({ sha256: Sha256 })]);
export type PackageVersion = t.TypeOf<typeof PackageVersion>;

/** An app (apps.json) or a piece of software (software.json): the same shape. */
export const CatalogPackage = t.type({
  id: VersionId,
  folder: Segment,
  binary: Segment,
  versions: t.array(PackageVersion),
  manufacturer: t.string,
  title: t.string,
  description: t.string,
});
export type CatalogPackage = t.TypeOf<typeof CatalogPackage>;

export const AppsCatalog = t.type({ apps: t.array(CatalogPackage) });
export type AppsCatalog = t.TypeOf<typeof AppsCatalog>;

export const SoftwareCatalog = t.type({ software: t.array(CatalogPackage) });
export type SoftwareCatalog = t.TypeOf<typeof SoftwareCatalog>;
