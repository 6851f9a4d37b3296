// A catalog file of up to 4 MiB, stored in chunks (no event over 1 MiB on any store), served
// back exactly, after a restart too; a crash between chunk appends leaves the previous file
// current; an import stored before chunking (the file in the event) still loads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { genesisHash, hashEvent, verifyChain } from '../../actors/runtime/hash-chain.js';
import { systemPrincipal } from '../../domain/principal.js';
import { maxAppendBytes } from '../../store/event-validation.js';
import { failingAppends } from '../support/failing-appends.js';
import type { FailingAppends } from '../support/failing-appends.js';
import { ManualClock } from '../support/manual-clock.js';
import { firmwareFileOf, storedBytes } from './catalog-file-fixture.js';
import { ok, startJobHub } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';

const largeFile = firmwareFileOf(4 * 1024 * 1024 - 1024);
const smallFirmware = { devices: [{ id: 'IP232', versions: ['13r1'] }], versions: [{ id: '13r1', build: '131705', text: '13r1', wiki: '' }] };

let test: JobHub;
let artifacts: string;
let admin: string;

beforeEach(async () => {
  artifacts = mkdtempSync(join(tmpdir(), 'tether-catalog-files-'));
  writeFileSync(join(artifacts, 'firmware.json'), largeFile);
});

afterEach(async () => {
  await test.destroy();
  rmSync(artifacts, { recursive: true, force: true });
});

const importLarge = () => test.call({ method: 'PUT', url: '/api/v1/catalog/firmware', token: admin, payload: { url: `${test.httpUrl}/artifacts/firmware.json` } });
const currentFirmware = () => test.call({ method: 'GET', url: '/api/v1/catalog/firmware', token: admin });

describe('a large catalog file', () => {
  it('is stored with every event under 1 MiB, served back byte for byte, and still after a restart', async () => {
    expect(Buffer.byteLength(largeFile)).toBeGreaterThan(4 * 1024 * 1024 - 2048);
    test = await startJobHub({ artifactsDir: artifacts });
    admin = await test.admin();
    const before = await test.hub.store.headPosition();
    await ok(importLarge());
    const stored = await test.hub.store.readAll({ after: before, maxCount: 1000 });
    expect(stored.filter((event) => event.stream.startsWith('catalogfile-')).length).toBeGreaterThan(4);
    expect(stored.filter((event) => event.stream === 'catalog-firmware').map((event) => event.type)).toEqual(['CatalogImported']);
    expect(Math.max(...stored.map(storedBytes))).toBeLessThan(maxAppendBytes);
    for (const stream of new Set(stored.map((event) => event.stream))) expect(verifyChain(await test.hub.store.readStream(stream))).toBeUndefined();
    const served = await currentFirmware();
    expect(served.statusCode).toBe(200);
    expect(served.body).toContain(`"document":${largeFile}}`);

    await test.close();
    test = await startJobHub({ artifactsDir: artifacts }, { dataDir: test.dataDir, clock: test.clock });
    admin = await test.admin();
    expect((await currentFirmware()).body).toContain(`"document":${largeFile}}`);
  });

  it('leaves the previous file current when the hub fails between chunk appends, and is imported whole when asked again', async () => {
    let store: FailingAppends | undefined;
    test = await startJobHub({ artifactsDir: artifacts, storeDouble: (opened) => (store = failingAppends(opened)) });
    admin = await test.admin();
    await ok(test.call({ method: 'PUT', url: '/api/v1/catalog/firmware', token: admin, payload: { document: smallFirmware, baseUrl: 'https://fw.example' } }));
    store?.failNext('catalogfile-', 1, 3);
    const failed = await importLarge();
    expect(failed.statusCode).toBe(503);
    expect((await ok(currentFirmware())) as { document: unknown }).toMatchObject({ document: smallFirmware });
    expect((await test.hub.store.readStream('catalog-firmware')).length).toBe(1);

    await test.close();
    test = await startJobHub({ artifactsDir: artifacts }, { dataDir: test.dataDir, clock: test.clock });
    admin = await test.admin();
    expect((await ok(currentFirmware())) as { document: unknown }).toMatchObject({ document: smallFirmware });
    await ok(importLarge());
    expect((await currentFirmware()).body).toContain(`"document":${largeFile}}`);
    const [imported] = await test.hub.store.readStream('catalog-firmware', { direction: 'backwards', maxCount: 1 });
    const file = imported?.data['file'] as { sha256: string; chunks: number };
    const chunks = await test.hub.store.readStream(`catalogfile-${file.sha256}`);
    expect(chunks.map((chunk) => chunk.data['index'])).toEqual(Array.from({ length: file.chunks }, (_, index) => index));
  });
});

describe('an uploaded catalog file', () => {
  it('may be as large as a fetched one', async () => {
    test = await startJobHub({ artifactsDir: artifacts });
    admin = await test.admin();
    const payload = `{"baseUrl":"https://fw.example","document":${largeFile}}`;
    const uploaded = await test.call({ method: 'PUT', url: '/api/v1/catalog/firmware', token: admin, headers: { 'content-type': 'application/json' }, payload });
    expect(uploaded.statusCode, uploaded.body.slice(0, 200)).toBe(200);
    expect((await currentFirmware()).body).toContain(`"document":${largeFile}}`);
  });
});

describe('a catalog imported before files were chunked', () => {
  it('loads from its one event, and a new import replaces it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-catalog-files-'));
    const clock = new ManualClock();
    test = await startJobHub({ artifactsDir: artifacts }, { dataDir, clock });
    const data = { kind: 'firmware', document: smallFirmware, source: 'upload', baseUrl: 'https://fw.example', importedAt: clock.now().toISOString() };
    const unhashed = { actor: systemPrincipal, correlationId: 'legacy', causationId: 'legacy', at: clock.now().toISOString(), previousHash: genesisHash };
    const hash = hashEvent({ stream: 'catalog-firmware', revision: 0, type: 'CatalogImported', data, metadata: unhashed });
    await test.hub.store.append('catalog-firmware', [{ type: 'CatalogImported', data, metadata: { ...unhashed, hash } }], 'no_stream');
    await test.close();
    test = await startJobHub({ artifactsDir: artifacts }, { dataDir, clock });
    admin = await test.admin();
    expect(await ok(currentFirmware())).toEqual(data);
    await ok(importLarge());
    expect((await currentFirmware()).body).toContain(`"document":${largeFile}}`);
  });
});
