import { describe, expect, it } from 'vitest';
import { hashSecret, verifySecret } from '../../../actors/secrets/secret-hash.js';

// Cheap parameters keep the unit test fast; the format carries them, so verify reads them back.
const cheap = { N: 1024, r: 8, p: 1 };

describe('secret hashes', () => {
  it('writes scrypt$N$r$p$salt$hash and verifies the secret, not another', async () => {
    const hash = await hashSecret('correct horse', cheap);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifySecret('correct horse', hash)).toBe(true);
    expect(await verifySecret('correct horsf', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashSecret('same', cheap)).not.toBe(await hashSecret('same', cheap));
  });

  it('uses N=16384, r=8, p=1 by default', async () => {
    expect(await hashSecret('x')).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  it.each([
    ['another scheme', 'bcrypt$10$abc'],
    ['missing parts', 'scrypt$1024$8$1$c2FsdA=='],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdA==$aGFzaA=='],
    ['N absurdly large', `scrypt$${2 ** 30}$8$1$c2FsdA==$aGFzaA==`],
    ['r out of range', 'scrypt$1024$0$1$c2FsdA==$aGFzaA=='],
    ['an empty salt', 'scrypt$1024$8$1$$aGFzaA=='],
    ['nothing at all', ''],
  ])('refuses a malformed hash (%s) without throwing', async (_what, encoded) => {
    expect(await verifySecret('secret', encoded)).toBe(false);
  });
});
