// The catalogs: firmware.json, apps.json and software.json in the seed's format, imported
// from a URL (here the hub's own --artifacts tree) or uploaded; a malformed file is refused
// with the path of its first problem and changes nothing; each import is an event.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ok, startJobHub, tenantWithCode } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';

// The seed's samples (seeds/device-management.txt), shortened to a few entries.
const firmwareJson = {
  devices: [
    { id: 'IP0010', versions: ['13r1'] },
    { id: 'IP232', versions: ['13r1'] },
  ],
  versions: [{ id: '13r1', build: '131705', text: '13r1 dvl [131705]', wiki: '' }],
};
const appsJson = {
  apps: [
    { id: 'apidemo', folder: 'apidemo', binary: 'apidemo', versions: [{ id: '13r1', build: '131705', label: 'dvl' }], manufacturer: 'innovaphone', title: 'Apidemo', description: 'The Apidemo' },
    { id: 'appstore', folder: 'appstore', binary: 'appstore', versions: [{ id: '13r1', build: '131705', label: 'dvl' }], manufacturer: 'innovaphone', title: 'AppStore', description: 'AppStore' },
  ],
};
const softwareJson = {
  software: [
    { id: 'myappsandroid', folder: 'myappsandroid', binary: 'myapps.apk', versions: [{ id: '13r1', build: '131705', label: 'dvl' }], manufacturer: 'innovaphone', title: 'myApps Android', description: 'myApps for Android' },
  ],
};

let test: JobHub;
let artifacts: string;
let admin: string;

beforeEach(async () => {
  artifacts = mkdtempSync(join(tmpdir(), 'tether-artifacts-'));
  mkdirSync(join(artifacts, 'ip232', '131705'), { recursive: true });
  writeFileSync(join(artifacts, 'firmware.json'), JSON.stringify(firmwareJson));
  writeFileSync(join(artifacts, 'apps.json'), JSON.stringify(appsJson));
  writeFileSync(join(artifacts, 'software.json'), JSON.stringify(softwareJson));
  writeFileSync(join(artifacts, 'broken.json'), '{"devices": [');
  writeFileSync(join(artifacts, 'ip232', '131705', 'ip232.bin'), 'firmware image');
  test = await startJobHub({ artifactsDir: artifacts });
  admin = await test.admin();
});

afterEach(async () => {
  await test.destroy();
  rmSync(artifacts, { recursive: true, force: true });
});

const put = (kind: string, payload: object, token = admin) => test.call({ method: 'PUT', url: `/api/v1/catalog/${kind}`, token, payload });

describe('catalog import', () => {
  it('imports the seed\'s three files from a URL, with their binaries under the same base', async () => {
    for (const kind of ['firmware', 'apps', 'software'] as const) {
      const imported = (await ok(put(kind, { url: `${test.httpUrl}/artifacts/${kind}.json` }))) as Record<string, unknown>;
      expect(imported).toMatchObject({ kind, source: 'url', url: `${test.httpUrl}/artifacts/${kind}.json`, baseUrl: `${test.httpUrl}/artifacts` });
    }
    const firmware = (await ok(test.call({ method: 'GET', url: '/api/v1/catalog/firmware', token: admin }))) as { document: unknown };
    expect(firmware.document).toEqual(firmwareJson);
    const software = (await ok(test.call({ method: 'GET', url: '/api/v1/catalog/software', token: admin }))) as { document: unknown };
    expect(software.document).toEqual(softwareJson);
    // The hub serves the tree, without authentication, where the layout puts each binary.
    const binary = await fetch(`${test.httpUrl}/artifacts/ip232/131705/ip232.bin`);
    expect(await binary.text()).toBe('firmware image');
    expect((await test.hub.store.readStream('catalog-firmware')).map((event) => event.type)).toEqual(['CatalogImported']);
  });

  it('takes an upload with its base URL; each import replaces the current file and is an event', async () => {
    await ok(put('apps', { document: appsJson, baseUrl: 'https://store.example/apps/' }));
    const second = { apps: [appsJson.apps[0]] };
    const imported = (await ok(put('apps', { document: second, baseUrl: 'https://store.example/apps' }))) as { document: unknown; baseUrl: string; source: string };
    expect(imported).toMatchObject({ document: second, baseUrl: 'https://store.example/apps', source: 'upload' });
    expect((await test.hub.store.readStream('catalog-apps')).map((event) => event.type)).toEqual(['CatalogImported', 'CatalogImported']);
  });

  it('refuses a malformed file with the path of its first problem, and changes nothing', async () => {
    await ok(put('firmware', { document: firmwareJson, baseUrl: 'https://fw.example' }));
    const head = await test.hub.store.headPosition();
    const cases: [object, string][] = [
      [{ ...firmwareJson, versions: [{ id: '13r1', text: 'x', wiki: '' }] }, 'body.document.versions.0.build'],
      [{ devices: [{ id: 'IP232', versions: ['13r9'] }], versions: firmwareJson.versions }, 'body.document.devices.0.versions.0'],
      [{ devices: [{ id: '../etc', versions: ['13r1'] }], versions: firmwareJson.versions }, 'body.document.devices.0.id'],
      [{ devices: firmwareJson.devices, versions: [{ ...firmwareJson.versions[0], sha256: { IP232: 'not hex' } }] }, 'body.document.versions.0.sha256.IP232'],
    ];
    for (const [document, path] of cases) {
      const refused = await put('firmware', { document, baseUrl: 'https://fw.example' });
      expect(refused.statusCode, refused.body).toBe(400);
      const { error } = refused.json() as { error: { code: string; message: string; details: string[] } };
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual([path]);
      expect(error.message).toContain('firmware.json');
    }
    const fromUrl = await put('firmware', { url: `${test.httpUrl}/artifacts/broken.json` });
    expect(fromUrl.statusCode).toBe(400);
    expect((fromUrl.json() as { error: { details: string[] } }).error.details).toEqual(['body.url']);
    const wrongKind = await put('apps', { url: `${test.httpUrl}/artifacts/firmware.json` });
    expect((wrongKind.json() as { error: { details: string[] } }).error.details).toEqual(['apps']);
    const missing = await put('apps', { url: `${test.httpUrl}/artifacts/nothing.json` });
    expect((missing.json() as { error: { message: string } }).error.message).toContain('404');
    const noBase = await put('apps', { document: appsJson });
    expect((noBase.json() as { error: { details: string[] } }).error.details).toEqual(['body.baseUrl']);
    expect(await test.hub.store.headPosition()).toBe(head);
  });

  it('lets only the admin import; tenant admins and auditors read', async () => {
    await tenantWithCode(test, admin);
    const login = await test.call({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: 'acme', password: 'acme-password' } });
    const tenantAdmin = (login.json() as { token: string }).token;
    expect((await put('apps', { document: appsJson, baseUrl: 'https://store.example' }, tenantAdmin)).statusCode).toBe(403);
    expect((await test.call({ method: 'GET', url: '/api/v1/catalog/apps', token: tenantAdmin })).statusCode).toBe(404);
    await ok(put('apps', { document: appsJson, baseUrl: 'https://store.example' }));
    await ok(test.call({ method: 'GET', url: '/api/v1/catalog/apps', token: tenantAdmin }));
    expect((await test.call({ method: 'GET', url: '/api/v1/catalog/other', token: admin })).statusCode).toBe(400);
  });
});
