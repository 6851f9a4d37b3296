import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretSeal } from '../../../actors/secrets/secret-seal.js';
import { isTetherError } from '../../../domain/errors.js';

const failure = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('secret seal (AES-256-GCM, key out of the store)', () => {
  const seal = new SecretSeal(randomBytes(32));

  it('opens what it sealed, under the same context, and never shows the secret', () => {
    const sealed = seal.seal('acme-password', 'acme');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('acme-password');
    expect(seal.unseal(sealed, 'acme')).toBe('acme-password');
    expect(seal.seal('acme-password', 'acme')).not.toBe(sealed);
  });

  it('refuses another context, another key and a tampered value', () => {
    const sealed = seal.seal('acme-password', 'acme');
    expect(isTetherError(failure(() => seal.unseal(sealed, 'globex')), 'invalid_configuration')).toBe(true);
    expect(isTetherError(failure(() => new SecretSeal(randomBytes(32)).unseal(sealed, 'acme')), 'invalid_configuration')).toBe(true);
    const [version, iv, tag, ciphertext] = sealed.split('.');
    const flipped = `${version}.${iv}.${tag}.${(ciphertext ?? '').startsWith('A') ? 'B' : 'A'}${(ciphertext ?? '').slice(1)}`;
    expect(isTetherError(failure(() => seal.unseal(flipped, 'acme')), 'invalid_configuration')).toBe(true);
    expect(isTetherError(failure(() => seal.unseal('plain text', 'acme')), 'invalid_configuration')).toBe(true);
  });

  it('wants a 256-bit key', () => {
    expect(isTetherError(failure(() => new SecretSeal(randomBytes(16))), 'invalid_configuration')).toBe(true);
  });
});
