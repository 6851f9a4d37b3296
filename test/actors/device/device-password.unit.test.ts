import { describe, expect, it } from 'vitest';
import { newDevicePassword, verifyDevicePassword } from '../../../actors/device/device-password.js';
import { hashSecret } from '../../../actors/secrets/secret-hash.js';

describe('device passwords', () => {
  it('are random, long, and kept as a SHA-256 that verifies only them', async () => {
    const one = newDevicePassword();
    const two = newDevicePassword();
    expect(one.password).not.toBe(two.password);
    expect(one.password.length).toBeGreaterThanOrEqual(43);
    expect(one.passwordHash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(one.passwordHash).not.toContain(one.password);
    expect(await verifyDevicePassword(one.password, one.passwordHash)).toBe(true);
    expect(await verifyDevicePassword(two.password, one.passwordHash)).toBe(false);
    expect(await verifyDevicePassword('', one.passwordHash)).toBe(false);
  });

  it('still verify against the scrypt hashes stored before', async () => {
    const { password } = newDevicePassword();
    const legacy = await hashSecret(password, { N: 1024, r: 8, p: 1 });
    expect(await verifyDevicePassword(password, legacy)).toBe(true);
    expect(await verifyDevicePassword(newDevicePassword().password, legacy)).toBe(false);
  });

  it('never match a malformed hash', async () => {
    const { password, passwordHash } = newDevicePassword();
    expect(await verifyDevicePassword(password, passwordHash.slice(0, -2))).toBe(false);
    expect(await verifyDevicePassword(password, `${passwordHash.slice(0, -1)}z`)).toBe(false);
    expect(await verifyDevicePassword(password, 'sha256$')).toBe(false);
    expect(await verifyDevicePassword(password, 'md5$00')).toBe(false);
  });
});
