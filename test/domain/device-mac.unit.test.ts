import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeMac, formatMac, Mac, macOf, parseMac } from '../../domain/device/mac.js';
import { isTetherError } from '../../domain/errors.js';

describe('MAC addresses', () => {
  it.each(['00:11:22:aa:BB:cc', '00-11-22-AA-BB-CC', '001122aabbcc', '001122AABBCC', '00:11:22:AA:BB:CC'])(
    'accepts %s as device 001122aabbcc',
    (input) => {
      expect(parseMac(input)).toBe('001122aabbcc');
    },
  );

  it.each([
    '',
    '00:11:22:aa:bb',
    '00:11:22:aa:bb:cc:dd',
    '00:11:22-aa:bb:cc',
    '0011.22aa.bbcc',
    '00:11:22:aa:bb:cg',
    '001122aabbc',
    ' 001122aabbcc',
    '0:11:22:aa:bb:cc',
  ])('refuses %j, naming the accepted forms', (input) => {
    let failure: unknown;
    try {
      parseMac(input);
    } catch (error) {
      failure = error;
    }
    expect(isTetherError(failure, 'validation_failed')).toBe(true);
    expect(String((failure as Error).message)).toContain('00:11:22:AA:BB:CC, 00-11-22-AA-BB-CC or 001122AABBCC');
  });

  it('refuses what is not a string', () => {
    expect(isLeft(decodeMac(1122))).toBe(true);
    expect(isLeft(decodeMac(null))).toBe(true);
  });

  it('shows a MAC the way people read it', () => {
    expect(formatMac(parseMac('001122aabbcc'))).toBe('00:11:22:AA:BB:CC');
  });

  it('has a codec that decodes any accepted form to the canonical one and checks only the canonical form', () => {
    const decoded = Mac.decode('00-11-22-AA-BB-CC');
    expect(isRight(decoded) && decoded.right).toBe('001122aabbcc');
    expect(Mac.is('001122aabbcc')).toBe(true);
    expect(Mac.is('00:11:22:aa:bb:cc')).toBe(false);
    const refused = Mac.decode('nope');
    expect(isLeft(refused) && refused.left[0]?.message).toContain('is not a MAC address');
  });

  it('reads the MAC a route names in its path, and names the parameter when it is none', () => {
    expect(macOf({ mac: '00-11-22-AA-BB-CC' })).toBe('001122aabbcc');
    expect(macOf({ deviceIdentifier: '001122AABBCC' }, 'deviceIdentifier')).toBe('001122aabbcc');
    const refused = (() => {
      try {
        macOf({ deviceIdentifier: 'nope' }, 'deviceIdentifier');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isTetherError(refused) && refused.code === 'validation_failed' ? refused.details : undefined).toEqual(['params.deviceIdentifier']);
  });
});
