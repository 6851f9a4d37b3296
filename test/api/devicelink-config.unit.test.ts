// The DeviceLink configuration: defaults, each source, their precedence (flag > env > file >
// default), and a bad value refused with invalid_configuration naming its source and field.
import { describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../api/config-file.js';
import { linkDefaultsOf, linksPerTenantOf, parsePortRange } from '../../api/devicelink-config.js';
import { resolveDeviceLinkConfig } from '../../api/devicelink-config-sources.js';
import type { DeviceLinkSources } from '../../api/devicelink-config-sources.js';
import { TetherError } from '../../domain/errors.js';

const file = (deviceLink: unknown): ConfigFile => ({ name: 'tether.json', sections: { deviceLink } });

function refusal(sources: DeviceLinkSources): TetherError {
  try {
    resolveDeviceLinkConfig(sources);
  } catch (error) {
    if (error instanceof TetherError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('DeviceLink configuration', () => {
  it('reads the per-tenant link limit and the TCP lifetime from every source; without a limit a tenant may hold a quarter of the range', () => {
    const fromFile = resolveDeviceLinkConfig({ host: '127.0.0.1', file: file({ maxLinksPerTenant: 5, lifetime: 3_600_000 }) });
    expect(fromFile).toMatchObject({ maxLinksPerTenant: 5, lifetime: 3_600_000 });
    expect(linkDefaultsOf(fromFile)).toEqual({ lifetime: 3_600_000 });
    const sources: DeviceLinkSources = { host: '127.0.0.1', file: file({ maxLinksPerTenant: 5 }), env: { TETHER_DEVICELINK_MAX_PER_TENANT: '7', TETHER_DEVICELINK_LIFETIME: '60000' } };
    expect(resolveDeviceLinkConfig(sources)).toMatchObject({ maxLinksPerTenant: 7, lifetime: 60_000 });
    expect(resolveDeviceLinkConfig({ ...sources, flags: { maxLinksPerTenant: '9', lifetime: '1000' } })).toMatchObject({ maxLinksPerTenant: 9, lifetime: 1000 });
    expect(linksPerTenantOf(resolveDeviceLinkConfig({ host: '127.0.0.1' }))).toBe(250);
    expect(linksPerTenantOf(resolveDeviceLinkConfig({ host: '127.0.0.1', flags: { ports: '40000-40002' } }))).toBe(1);
    expect(linksPerTenantOf(fromFile)).toBe(5);
  });

  it('defaults to ports 40000-40999 on the hub host, with no default device port or timeout', () => {
    expect(resolveDeviceLinkConfig({ host: '0.0.0.0' })).toEqual({ ports: { from: 40000, to: 40999 }, bindAddress: '0.0.0.0' });
    expect(linkDefaultsOf(resolveDeviceLinkConfig({ host: '127.0.0.1' }))).toEqual({});
  });

  it('reads each field from the config file, ports as "FROM-TO" or {from, to}', () => {
    const config = resolveDeviceLinkConfig({
      host: '127.0.0.1',
      file: file({ devicePort: 22, timeout: 60000, ports: '41000-41009', bindAddress: '::' }),
    });
    expect(config).toEqual({ devicePort: 22, timeout: 60000, ports: { from: 41000, to: 41009 }, bindAddress: '::' });
    expect(linkDefaultsOf(config)).toEqual({ devicePort: 22, timeout: 60000 });
    expect(resolveDeviceLinkConfig({ host: '127.0.0.1', file: file({ ports: { from: 5, to: 5 } }) }).ports).toEqual({ from: 5, to: 5 });
  });

  it('lets the environment override the file, and flags override both', () => {
    const sources: DeviceLinkSources = {
      host: '127.0.0.1',
      file: file({ devicePort: 22, timeout: 60000, ports: '41000-41009', bindAddress: '10.0.0.1' }),
      env: { TETHER_DEVICELINK_DEVICE_PORT: '2222', TETHER_DEVICELINK_PORTS: '42000-42099', TETHER_DEVICELINK_BIND: '', OTHER: 'x' },
      flags: { ports: '43000-43009', timeout: '1500' },
    };
    expect(resolveDeviceLinkConfig(sources)).toEqual({
      devicePort: 2222,
      timeout: 1500,
      ports: { from: 43000, to: 43009 },
      // An empty variable counts as unset: the file's value stands.
      bindAddress: '10.0.0.1',
    });
    expect(resolveDeviceLinkConfig({ ...sources, flags: { bindAddress: 'links.example.net' } })).toMatchObject({
      bindAddress: 'links.example.net',
      ports: { from: 42000, to: 42099 },
      timeout: 60000,
    });
  });

  it.each([
    ['a range the wrong way round', { flags: { ports: '40999-40000' } }, '--link-ports'],
    ['a range past 65535', { env: { TETHER_DEVICELINK_PORTS: '65000-70000' } }, 'TETHER_DEVICELINK_PORTS'],
    ['a range that is one port', { flags: { ports: '40000' } }, '--link-ports'],
    ['a device port of 0', { env: { TETHER_DEVICELINK_DEVICE_PORT: '0' } }, 'TETHER_DEVICELINK_DEVICE_PORT'],
    ['a device port that is not a number', { flags: { devicePort: 'ssh' } }, '--link-device-port'],
    ['a negative timeout', { flags: { timeout: '-5' } }, '--link-timeout'],
    ['a timeout past 2^31-1 ms', { env: { TETHER_DEVICELINK_TIMEOUT: '2147483648' } }, 'TETHER_DEVICELINK_TIMEOUT'],
    ['a bind address with brackets', { flags: { bindAddress: '[::1]' } }, '--link-bind'],
    ['a device port written as a string in the file', { file: file({ devicePort: '22' }) }, 'tether.json: deviceLink.devicePort'],
    ['a fractional timeout in the file', { file: file({ timeout: 1.5 }) }, 'tether.json: deviceLink.timeout'],
    ['ports as a number in the file', { file: file({ ports: 40000 }) }, 'tether.json: deviceLink.ports'],
    ['an unknown field in the file', { file: file({ devicePorts: 22 }) }, 'tether.json: deviceLink.devicePorts'],
    ['a section that is not an object', { file: file([22]) }, 'tether.json: deviceLink'],
    ['a per-tenant limit of 0', { flags: { maxLinksPerTenant: '0' } }, '--link-max-per-tenant'],
    ['a per-tenant limit that is not a number', { env: { TETHER_DEVICELINK_MAX_PER_TENANT: 'many' } }, 'TETHER_DEVICELINK_MAX_PER_TENANT'],
    ['a fractional lifetime in the file', { file: file({ lifetime: 0.5 }) }, 'tether.json: deviceLink.lifetime'],
    ['a lifetime past 2^31-1 ms', { flags: { lifetime: '2147483648' } }, '--link-lifetime'],
  ] as const)('refuses %s, naming where it came from', (_what, sources, where) => {
    const error = refusal({ host: '127.0.0.1', ...sources });
    expect(error.code).toBe('invalid_configuration');
    expect(error.details).toEqual([where]);
    expect(error.message.startsWith(where)).toBe(true);
  });

  it('refuses a bad value even when a stronger source sets the same field', () => {
    const error = refusal({ host: '127.0.0.1', env: { TETHER_DEVICELINK_PORTS: 'many' }, flags: { ports: '40000-40009' } });
    expect(error.details).toEqual(['TETHER_DEVICELINK_PORTS']);
  });

  it('parses "FROM-TO" port ranges', () => {
    expect(parsePortRange('40000-40999')).toEqual({ from: 40000, to: 40999 });
    expect(parsePortRange(' 1 - 65535 ')).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange('0-10')).toBeUndefined();
    expect(parsePortRange('10-')).toBeUndefined();
  });
});
