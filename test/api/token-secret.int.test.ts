import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateTokenSecret } from '../../api/token-secret.js';

describe('token secret file', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is created once, mode 0600, and the same secret is returned to every concurrent caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-secret-'));
    dirs.push(dir);
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateTokenSecret(dir)));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]?.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, 'token-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(secrets[0]);
    expect(await loadOrCreateTokenSecret(dir)).toBe(secrets[0]);
  });
});
