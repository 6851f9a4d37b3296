import * as t from 'io-ts';

/** One catalog per file of the seed; stream `catalog-<kind>`. */
export const CatalogKind = t.keyof({ firmware: null, apps: null, software: null });
export type CatalogKind = t.TypeOf<typeof CatalogKind>;

export const catalogFile: Readonly<Record<CatalogKind, string>> = { firmware: 'firmware.json', apps: 'apps.json', software: 'software.json' };
