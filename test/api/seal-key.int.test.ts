import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSealKey, parseSealKey } from '../../api/seal-key.js';
import { isTetherError } from '../../domain/errors.js';

describe('seal key', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is generated once into <data>/seal-key, mode 0600, and shared by every concurrent caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-seal-'));
    dirs.push(dir);
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSealKey(dir)));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
    expect(keys[0]?.length).toBe(32);
    const file = join(dir, 'seal-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(keys[0]?.toString('hex'));
    expect((await loadOrCreateSealKey(dir)).equals(keys[0] ?? Buffer.alloc(0))).toBe(true);
  });

  it('takes TETHER_SEAL_KEY as 64 hex digits and nothing else', () => {
    expect(parseSealKey('0f'.repeat(32), 'TETHER_SEAL_KEY')).toEqual(Buffer.alloc(32, 0x0f));
    for (const bad of ['0f'.repeat(31), 'zz'.repeat(32), '']) {
      let error: unknown;
      try {
        parseSealKey(bad, 'TETHER_SEAL_KEY');
      } catch (caught) {
        error = caught;
      }
      expect(isTetherError(error, 'invalid_configuration')).toBe(true);
    }
  });
});
