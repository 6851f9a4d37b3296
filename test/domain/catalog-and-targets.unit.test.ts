// Catalog files, where their binaries lie, which devices an update is for (plain string
// compare), and where a backup lands.
import { isLeft, isRight, right } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { backupLocation, backupTimestamp } from '../../domain/backup-job/backup-location.js';
import { directoryOf, firmwareUrl, packageUrl } from '../../domain/catalog/artifact-url.js';
import { checkCatalogDocument } from '../../domain/catalog/check-document.js';
import { currentVersion, differsFromTarget, suitsUpdate } from '../../domain/update-job/update-eligibility.js';
import type { UpdateSpec } from '../../domain/update-job/update-spec.js';
import { catalogOf, resolveArtifacts } from '../../domain/update-job/resolve-artifacts.js';
import type { CurrentCatalog } from '../../domain/update-job/resolve-artifacts.js';

const seedFirmware = {
  devices: [{ id: 'IP0010', versions: ['13r1'] }, { id: 'IP232', versions: ['13r1'] }],
  versions: [{ id: '13r1', build: '131705', text: '13r1 dvl [131705]', wiki: '' }],
};

function problemPath(kind: 'firmware' | 'apps' | 'software', document: unknown): string | undefined {
  const checked = checkCatalogDocument(kind, document);
  return isLeft(checked) ? checked.left.details[0] : undefined;
}

describe('catalog files', () => {
  it('accepts the seed\'s samples and names the first problem of a bad file', () => {
    expect(isRight(checkCatalogDocument('firmware', seedFirmware))).toBe(true);
    expect(problemPath('firmware', { devices: seedFirmware.devices })).toBe('versions');
    expect(problemPath('firmware', { ...seedFirmware, versions: [{ ...seedFirmware.versions[0], id: '13r1' }, { ...seedFirmware.versions[0] }] })).toBe('versions.1.id');
    expect(problemPath('apps', { apps: [{ id: 'a', folder: 'a/b', binary: 'a', versions: [], manufacturer: '', title: '', description: '' }] })).toBe('apps.0.folder');
    expect(problemPath('software', { apps: [] })).toBe('software');
    expect(problemPath('apps', [])).toBe('(file)');
  });

  it('puts binaries under the base URL after folder, build and binary', () => {
    expect(packageUrl('https://store.example/apps/', 'apidemo', '131705', 'apidemo')).toBe('https://store.example/apps/apidemo/131705/apidemo');
    expect(firmwareUrl('http://fw.example', 'IP232', '131705')).toBe('http://fw.example/ip232/131705/ip232.bin');
    expect(directoryOf('http://fw.example/x/firmware.json?a=1')).toBe('http://fw.example/x');
  });

  it('resolves a target to its binaries in the current catalog, or names what is missing', () => {
    const checked = checkCatalogDocument('firmware', seedFirmware);
    if (isLeft(checked) || checked.right.kind !== 'firmware') throw new Error('the seed\'s firmware.json is refused');
    const catalog: CurrentCatalog = { current: { ...checked.right, source: 'upload', baseUrl: 'http://fw.example', importedAt: '' } };
    const resolved = resolveArtifacts({ kind: 'firmware', version: '13r1' }, catalog);
    expect(isRight(resolved) && Object.keys(resolved.right)).toEqual(['IP0010', 'IP232']);
    const missing = resolveArtifacts({ kind: 'firmware', version: '13r9' }, catalog);
    expect(isLeft(missing) && missing.left.details).toEqual(['target.version']);
  });
});

describe('software updates (software.json)', () => {
  const seedSoftware = {
    software: [
      { id: 'myappsandroid', folder: 'myappsandroid', binary: 'myapps.apk', versions: [{ id: '13r1', build: '131705', label: 'dvl' }], manufacturer: 'innovaphone', title: 'myApps Android', description: 'myApps for Android' },
      { id: 'myappswindows', folder: 'myappswindows', binary: 'myAppsSetup.msi', versions: [{ id: '13r1', build: '131705', label: 'dvl', sha256: 'AB'.repeat(32) }], manufacturer: 'innovaphone', title: 'myApps Windows', description: 'myApps for Windows' },
    ],
  };
  const checked = checkCatalogDocument('software', seedSoftware);
  if (isLeft(checked)) throw new Error('the seed\'s software.json is refused');
  const catalog: CurrentCatalog = { current: { ...checked.right, source: 'upload', baseUrl: 'https://store.example/sw/', importedAt: '' } };

  it('resolves a software target to <base>/<folder>/<build>/<binary> of software.json', () => {
    expect(resolveArtifacts({ kind: 'software', name: 'myappsandroid', version: '13r1' }, catalog)).toEqual(
      right({ myappsandroid: { url: 'https://store.example/sw/myappsandroid/131705/myapps.apk' } }),
    );
    expect(resolveArtifacts({ kind: 'software', name: 'myappswindows', version: '13r1' }, catalog)).toEqual(
      right({ myappswindows: { url: 'https://store.example/sw/myappswindows/131705/myAppsSetup.msi', sha256: 'ab'.repeat(32) } }),
    );
  });

  it('names what is missing: the package, its version, or software.json itself', () => {
    const detailsOf = (resolved: ReturnType<typeof resolveArtifacts>): unknown => (isLeft(resolved) ? [resolved.left.details, resolved.left.message] : resolved.right);
    expect(detailsOf(resolveArtifacts({ kind: 'software', name: 'nope', version: '13r1' }, catalog))).toEqual([['target.name'], 'software "nope" is not in the current catalog']);
    expect(detailsOf(resolveArtifacts({ kind: 'software', name: 'myappsandroid', version: '13r9' }, catalog))).toEqual([
      ['target.version'],
      'version "13r9" of software "myappsandroid" is not in the current catalog',
    ]);
    expect(detailsOf(resolveArtifacts({ kind: 'software', name: 'myappsandroid', version: '13r1' }, {}))).toEqual([
      ['target.name'],
      'software "myappsandroid" (no software.json imported) is not in the current catalog',
    ]);
    // An app of the same id is not software: each kind resolves against its own file.
    expect(detailsOf(resolveArtifacts({ kind: 'app', name: 'myappsandroid', version: '13r1' }, catalog))).toEqual([
      ['target.name'],
      'app "myappsandroid" (no apps.json imported) is not in the current catalog',
    ]);
    expect(catalogOf({ kind: 'software', name: 'x', version: '1' })).toBe('software');
    expect(catalogOf({ kind: 'app', name: 'x', version: '1' })).toBe('apps');
    expect(catalogOf({ kind: 'firmware', version: '1' })).toBe('firmware');
  });

  it('updates software only on devices that report it installed, at another version by plain string compare', () => {
    const spec: UpdateSpec = { kind: 'update', target: { kind: 'software', name: 'myapps', version: '2.0' }, artifacts: { myapps: { url: 'http://x' } } };
    const job = { tenants: ['acme'], categories: [], spec };
    const device = { tenantId: 'acme', model: 'IP232', firmware: '13r1', apps: [], software: [{ name: 'myapps', version: '1.0' }], categories: [], adminCategories: [] };
    expect(suitsUpdate(job, device)).toBe(true);
    expect(differsFromTarget(spec, device)).toBe(true);
    expect(differsFromTarget(spec, { ...device, software: [{ name: 'myapps', version: '2.0' }] })).toBe(false);
    expect(differsFromTarget(spec, { ...device, software: [{ name: 'myapps', version: '2.0 ' }] })).toBe(true);
    // An app of that name is not the software.
    expect(suitsUpdate(job, { ...device, software: [], apps: [{ name: 'myapps', version: '1.0' }] })).toBe(false);
    expect(currentVersion({ ...device, software: [] }, spec.target)).toBeUndefined();
  });
});

describe('update eligibility', () => {
  const spec: UpdateSpec = { kind: 'update', target: { kind: 'firmware', version: '13r2' }, artifacts: { IP232: { url: 'http://x' } } };
  const job = { tenants: ['acme'], categories: ['phones'], spec };
  const device = { tenantId: 'acme', model: 'IP232', firmware: '13r1', apps: [], software: [], categories: ['phones', 'lobby'], adminCategories: [] };

  it('is for devices of its tenants and categories with a binary for their model', () => {
    expect(suitsUpdate(job, device)).toBe(true);
    expect(suitsUpdate(job, { ...device, tenantId: 'other' })).toBe(false);
    expect(suitsUpdate(job, { ...device, tenantId: undefined })).toBe(false);
    expect(suitsUpdate(job, { ...device, categories: ['gateways'] })).toBe(false);
    expect(suitsUpdate({ ...job, categories: [] }, { ...device, categories: [] })).toBe(true);
    expect(suitsUpdate(job, { ...device, model: 'IP111' })).toBe(false);
  });

  it('selects by the categories an admin set as well as those the device reports', () => {
    expect(suitsUpdate(job, { ...device, categories: ['gateways'], adminCategories: ['phones'] })).toBe(true);
    expect(suitsUpdate(job, { ...device, categories: [], adminCategories: ['gateways'] })).toBe(false);
  });

  it('compares versions as plain strings', () => {
    expect(differsFromTarget(spec, { ...device, firmware: '13r2' })).toBe(false);
    expect(differsFromTarget(spec, { ...device, firmware: '13R2' })).toBe(true);
    expect(differsFromTarget(spec, { ...device, firmware: '13r2 ' })).toBe(true);
    expect(differsFromTarget(spec, { ...device, firmware: '13r10' })).toBe(true);
  });

  it('updates an app only on devices that run it', () => {
    const app: UpdateSpec = { kind: 'update', target: { kind: 'app', name: 'devices', version: '13r2' }, artifacts: { devices: { url: 'http://x' } } };
    expect(suitsUpdate({ ...job, spec: app }, { ...device, apps: [{ name: 'devices', version: '13r1' }] })).toBe(true);
    expect(suitsUpdate({ ...job, spec: app }, device)).toBe(false);
  });
});

describe('backup location', () => {
  it('is <target>/<tenant>/<mac>/<timestamp>, the timestamp without colons', () => {
    const at = new Date('2026-03-04T05:06:07.890Z');
    expect(backupTimestamp(at)).toBe('20260304T050607Z');
    expect(backupLocation('https://dav.example/backups/', 'acme', '001122aabbcc', at)).toBe('https://dav.example/backups/acme/001122aabbcc/20260304T050607Z');
  });
});
