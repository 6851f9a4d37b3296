// `tether serve --config FILE` and the --link-* flags, resolved from a real file on disk.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceLinkConfigOf } from '../../bin/devicelink-options.js';
import { isTetherError } from '../../domain/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tether-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const failure = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('serve DeviceLink options', () => {
  it('reads the deviceLink section of --config, under the environment and the flags', () => {
    const config = configFile(
      'tether.json',
      JSON.stringify({ deviceLink: { devicePort: 22, timeout: 60000, ports: '40000-40999', bindAddress: '0.0.0.0' } }),
    );
    expect(deviceLinkConfigOf({ host: '127.0.0.1', config }, {})).toEqual({
      devicePort: 22,
      timeout: 60000,
      ports: { from: 40000, to: 40999 },
      bindAddress: '0.0.0.0',
    });
    expect(
      deviceLinkConfigOf({ host: '127.0.0.1', config, linkDevicePort: '2022', linkBind: '127.0.0.2' }, { TETHER_DEVICELINK_TIMEOUT: '5000', TETHER_DEVICELINK_DEVICE_PORT: '23' }),
    ).toEqual({ devicePort: 2022, timeout: 5000, ports: { from: 40000, to: 40999 }, bindAddress: '127.0.0.2' });
  });

  it('binds link ports to --host without a file', () => {
    expect(deviceLinkConfigOf({ host: '192.0.2.10', linkPorts: '45000-45001' }, {})).toEqual({ ports: { from: 45000, to: 45001 }, bindAddress: '192.0.2.10' });
  });

  it.each([
    ['a missing file', () => join(dir, 'absent.json'), /--config: cannot read/],
    ['a file that is not JSON', () => configFile('broken.json', '{"deviceLink": '), /broken\.json: not valid JSON/],
    ['a file that is not an object', () => configFile('list.json', '[]'), /list\.json: must hold one JSON object/],
    ['an unknown section', () => configFile('typo.json', '{"devicelink": {}}'), /typo\.json: unknown section "devicelink"/],
    ['a bad value', () => configFile('bad.json', '{"deviceLink": {"ports": "40000-39000"}}'), /bad\.json: deviceLink\.ports must be FROM-TO/],
  ])('stops the start on %s', (_what, make, message) => {
    const error = failure(() => deviceLinkConfigOf({ host: '127.0.0.1', config: make() }, {}));
    expect(isTetherError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
