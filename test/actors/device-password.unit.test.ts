import { describe, expect, it } from 'vitest';
import { devicePasswordScrypt, newDevicePassword, verifyDevicePassword } from '../../actors/device-password.js';

describe('device passwords', () => {
  it('are random, long, and kept as a light scrypt hash that verifies only them', async () => {
    const [one, two] = await Promise.all([newDevicePassword(), newDevicePassword()]);
    expect(one.password).not.toBe(two?.password);
    expect(one.password.length).toBeGreaterThanOrEqual(43);
    expect(one.passwordHash).toMatch(new RegExp(`^scrypt\\$${devicePasswordScrypt.N}\\$`));
    expect(one.passwordHash).not.toContain(one.password);
    expect(await verifyDevicePassword(one.password, one.passwordHash)).toBe(true);
    expect(await verifyDevicePassword(two?.password ?? '', one.passwordHash)).toBe(false);
  });
});
