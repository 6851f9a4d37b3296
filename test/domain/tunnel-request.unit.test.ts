import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { TetherError } from '../../domain/errors.js';
import {
  DeviceLinkResponse,
  decodeDeviceLinkRequest,
  deviceLinkResponse,
  resolveLinkSettings,
} from '../../domain/tunnel/devicelink-request.js';
import type { DeviceLinkRequest } from '../../domain/tunnel/devicelink-request.js';
import { formatLinkToken, parseLinkToken } from '../../domain/tunnel/link-token.js';

const key = 'a'.repeat(64);
const iv = '0123456789ABCDEF0123456789abcdef';
const full = { protocol: 'udp', devicePort: 5060, timeout: 30_000, source: { host: '198.51.100.7', port: 5070 }, encrypt: { key, initializationVector: iv } };

function failure<A>(result: Either<TetherError, A>): TetherError {
  if (!isLeft(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
  return result.left;
}

function decoded(body: unknown): DeviceLinkRequest {
  const result = decodeDeviceLinkRequest(body);
  if (isLeft(result)) throw result.left;
  return result.right;
}

describe('DeviceLink request body', () => {
  it('decodes every field of the seed and drops unknown ones', () => {
    expect(decoded({ ...full, extra: true })).toEqual(full);
    expect(decoded({ protocol: 'tcp' })).toEqual({ protocol: 'tcp' });
    expect(decoded({ protocol: 'tcp', source: { host: '2001:db8::1', port: 1, more: 1 } })).toEqual({
      protocol: 'tcp',
      source: { host: '2001:db8::1', port: 1 },
    });
    expect(decoded({ protocol: 'tcp', source: { host: 'client.example.com', port: 65535 } }).source?.host).toBe('client.example.com');
  });

  it('names the field and the rule for a key of the wrong length', () => {
    const error = failure(decodeDeviceLinkRequest({ protocol: 'tcp', encrypt: { key: 'ab'.repeat(16), initializationVector: iv } }));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('encrypt.key must be 64 hex characters (32 bytes, AES-256)');
    expect(error.details).toEqual(['encrypt.key']);
  });

  it('refuses bad hex, a short IV, a missing key, each by name', () => {
    const error = failure(decodeDeviceLinkRequest({ protocol: 'tcp', encrypt: { key: 'g'.repeat(64), initializationVector: 'ab' } }));
    expect(error.message).toBe(
      'encrypt.initializationVector must be 32 hex characters (16 bytes); encrypt.key must be 64 hex characters (32 bytes, AES-256)',
    );
    expect(failure(decodeDeviceLinkRequest({ protocol: 'tcp', encrypt: { initializationVector: iv } })).details).toEqual(['encrypt.key']);
    expect(failure(decodeDeviceLinkRequest({ protocol: 'tcp', encrypt: key })).message).toBe(
      'encrypt must be an object {key, initializationVector}',
    );
  });

  it('is strict about types: no coercion of numbers in strings, no fractions, no null', () => {
    const cases: [unknown, string, string][] = [
      [{ protocol: 'tcp', devicePort: '22' }, 'devicePort', 'devicePort must be a whole number from 1 to 65535'],
      [{ protocol: 'tcp', devicePort: 22.5 }, 'devicePort', 'devicePort must be a whole number from 1 to 65535'],
      [{ protocol: 'tcp', devicePort: 0 }, 'devicePort', 'devicePort must be a whole number from 1 to 65535'],
      [{ protocol: 'tcp', devicePort: 65536 }, 'devicePort', 'devicePort must be a whole number from 1 to 65535'],
      [{ protocol: 'tcp', devicePort: null }, 'devicePort', 'devicePort must be a whole number from 1 to 65535'],
      [{ protocol: 'udp', timeout: 0 }, 'timeout', 'timeout must be a whole number of milliseconds from 1 to 2147483647'],
      [{ protocol: 'udp', timeout: 2 ** 31 }, 'timeout', 'timeout must be a whole number of milliseconds from 1 to 2147483647'],
      [{ protocol: 'udp', timeout: '1000' }, 'timeout', 'timeout must be a whole number of milliseconds from 1 to 2147483647'],
      [{ protocol: 'TCP' }, 'protocol', 'protocol must be "tcp" or "udp"'],
      [{}, 'protocol', 'protocol must be "tcp" or "udp"'],
      [{ protocol: 'tcp', source: { host: '', port: 1 } }, 'source.host', 'source.host must be an IPv4 address, an IPv6 address (without brackets) or a host name'],
      [{ protocol: 'tcp', source: { host: '[::1]', port: 1 } }, 'source.host', 'source.host must be an IPv4 address, an IPv6 address (without brackets) or a host name'],
      [{ protocol: 'tcp', source: { host: '10.0.0.1', port: '80' } }, 'source.port', 'source.port must be a whole number from 1 to 65535'],
      [{ protocol: 'tcp', source: { host: '10.0.0.1' } }, 'source.port', 'source.port must be a whole number from 1 to 65535'],
      [{ protocol: 'tcp', source: '10.0.0.1:80' }, 'source', 'source must be an object {host, port}'],
    ];
    for (const [body, path, message] of cases) {
      const error = failure(decodeDeviceLinkRequest(body));
      expect(error.details, JSON.stringify(body)).toEqual([path]);
      expect(error.message, JSON.stringify(body)).toBe(message);
    }
  });

  it('refuses a body that is not an object, and prefixes detail paths when asked', () => {
    expect(failure(decodeDeviceLinkRequest('tcp')).message).toBe('the request body must be a JSON object');
    expect(failure(decodeDeviceLinkRequest([])).code).toBe('validation_failed');
    const error = failure(decodeDeviceLinkRequest({ protocol: 'sctp', devicePort: -1 }, 'body'));
    expect(error.details).toEqual(['body.devicePort', 'body.protocol']);
    expect(error.message).toBe('devicePort must be a whole number from 1 to 65535; protocol must be "tcp" or "udp"');
  });
});

describe('resolveLinkSettings', () => {
  it('takes the request over the module defaults', () => {
    const settings = resolveLinkSettings(decoded(full), { devicePort: 22, timeout: 1000 });
    expect(isRight(settings) && settings.right).toEqual(full);
  });

  it('fills devicePort and the UDP timeout from the defaults', () => {
    const settings = resolveLinkSettings({ protocol: 'udp' }, { devicePort: 161, timeout: 60_000 });
    expect(isRight(settings) && settings.right).toEqual({ protocol: 'udp', devicePort: 161, timeout: 60_000 });
  });

  it('gives a TCP link no timeout, from the request or the defaults', () => {
    const settings = resolveLinkSettings({ protocol: 'tcp', timeout: 5 }, { devicePort: 22, timeout: 60_000 });
    expect(isRight(settings) && settings.right).toEqual({ protocol: 'tcp', devicePort: 22 });
  });

  it('requires devicePort when no default is configured', () => {
    const error = failure(resolveLinkSettings({ protocol: 'tcp' }, {}));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual(['devicePort']);
    expect(error.message).toContain('devicePort is required');
  });
});

describe('DeviceLink response', () => {
  it('echoes the settings, the encryption included, with port and token', () => {
    const settings = resolveLinkSettings(decoded(full), {});
    if (isLeft(settings)) throw settings.left;
    const response = deviceLinkResponse(settings.right, { port: 40001, token: 'tok' });
    expect(response).toEqual({ devicePort: 5060, timeout: 30_000, source: full.source, encrypt: full.encrypt, port: 40001, token: 'tok' });
    expect(isRight(DeviceLinkResponse.decode(response))).toBe(true);
    expect(deviceLinkResponse({ protocol: 'tcp', devicePort: 22 }, { port: 40002, token: 't' })).toEqual({ devicePort: 22, port: 40002, token: 't' });
  });
});

describe('link token', () => {
  const tunnelId = '7d0a3c1e-2b4f-4c8e-9a1d-0f6e5b4c3a21';
  const secret = 'A'.repeat(42) + '_';

  it('round-trips <tunnelId>.<secret>', () => {
    expect(parseLinkToken(formatLinkToken(tunnelId, secret))).toEqual({ tunnelId, secret });
  });

  it('names no link when malformed', () => {
    for (const token of ['', tunnelId, `${tunnelId}.`, `${tunnelId}.short`, `${tunnelId.toUpperCase()}.${secret}`, `x.${secret}`, `${tunnelId}.${secret}.x`]) {
      expect(parseLinkToken(token), token).toBeUndefined();
    }
  });
});
