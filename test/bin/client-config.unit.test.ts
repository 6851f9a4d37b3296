// Where the admin commands find their hub and token: flag > env > the file `tether login` wrote.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configFilePath,
  hubHostOf,
  parseHubUrl,
  readConfigFile,
  resolveClientConfig,
  resolveHub,
  writeConfigFile,
} from '../../bin/client-config.js';
import type { ConfigSources } from '../../bin/client-config.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tether-cli-config-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const sources = (env: NodeJS.ProcessEnv = {}): ConfigSources => ({ env, home });
const defaultFile = (): string => join(home, '.config', 'tether', 'cli.json');
const fileHub = 'http://file.example:8080';

function saveFile(path = defaultFile()): void {
  writeConfigFile(path, { hub: fileHub, token: 'file-token', ca: '/etc/file-ca.pem', user: 'admin' });
}

describe('the config file path', () => {
  it('is ~/.config/tether/cli.json, $XDG_CONFIG_HOME/tether/cli.json, or $TETHER_CONFIG', () => {
    expect(configFilePath(sources())).toBe(defaultFile());
    expect(configFilePath(sources({ XDG_CONFIG_HOME: join(home, 'xdg') }))).toBe(join(home, 'xdg', 'tether', 'cli.json'));
    expect(configFilePath(sources({ TETHER_CONFIG: join(home, 'x.json'), XDG_CONFIG_HOME: join(home, 'xdg') }))).toBe(join(home, 'x.json'));
  });
});

describe('precedence', () => {
  it('takes everything from the login file when nothing else is given', () => {
    saveFile();
    expect(resolveClientConfig({}, sources())).toEqual({ hub: fileHub, token: 'file-token', ca: '/etc/file-ca.pem' });
  });

  it('prefers the environment to the file', () => {
    saveFile();
    const env = { TETHER_HUB: 'https://env.example', TETHER_TOKEN: 'env-token', TETHER_CA: '/etc/env-ca.pem' };
    expect(resolveClientConfig({}, sources(env))).toEqual({ hub: 'https://env.example', token: 'env-token', ca: '/etc/env-ca.pem' });
  });

  it('prefers flags to the environment', () => {
    saveFile();
    const env = { TETHER_HUB: 'https://env.example', TETHER_TOKEN: 'env-token', TETHER_CA: '/etc/env-ca.pem' };
    const flags = { hub: 'https://flag.example/', token: 'flag-token', ca: '/etc/flag-ca.pem' };
    expect(resolveClientConfig(flags, sources(env))).toEqual({ hub: 'https://flag.example', token: 'flag-token', ca: '/etc/flag-ca.pem' });
  });

  it('mixes sources field by field, and treats an empty variable as unset', () => {
    saveFile();
    expect(resolveClientConfig({ token: 'flag-token' }, sources({ TETHER_HUB: '', TETHER_TOKEN: 'env-token' }))).toEqual({
      hub: fileHub,
      token: 'flag-token',
      ca: '/etc/file-ca.pem',
    });
  });

  it('reads the file named by TETHER_CONFIG', () => {
    const path = join(home, 'elsewhere', 'cli.json');
    saveFile(path);
    expect(resolveClientConfig({}, sources({ TETHER_CONFIG: path })).token).toBe('file-token');
    expect(() => resolveClientConfig({}, sources())).toThrow(/no hub given/);
  });

  it("never sends the file's token or CA to another hub", () => {
    saveFile();
    expect(() => resolveClientConfig({ hub: 'https://other.example' }, sources())).toThrow(
      /no token for https:\/\/other\.example: use --token, set TETHER_TOKEN, or run `tether login --hub https:\/\/other\.example`/,
    );
    expect(resolveHub({ hub: 'https://other.example' }, sources())).toEqual({ hub: 'https://other.example' });
    // The same hub spelled differently still matches.
    expect(resolveClientConfig({ hub: 'HTTP://FILE.example:8080/' }, sources()).token).toBe('file-token');
  });

  it('says what to do when there is no hub or no token', () => {
    expect(() => resolveClientConfig({}, sources())).toThrow('no hub given: use --hub URL, set TETHER_HUB, or run `tether login --hub URL`');
    expect(() => resolveClientConfig({ hub: 'http://h:1' }, sources())).toThrow(/no token for http:\/\/h:1/);
  });
});

describe('hub URLs', () => {
  it('are normalized and checked', () => {
    expect(parseHubUrl('HTTPS://Hub.Example:443/')).toBe('https://hub.example');
    expect(parseHubUrl('http://127.0.0.1:8080/tether//')).toBe('http://127.0.0.1:8080/tether');
    expect(() => parseHubUrl('hub.example')).toThrow(/is not a URL/);
    expect(() => parseHubUrl('ws://hub.example')).toThrow(/must start with http:\/\/ or https:\/\//);
    expect(() => parseHubUrl('https://user:pw@hub.example')).toThrow(/no user, password/);
  });

  it('give the host to connect to, IPv6 without brackets', () => {
    expect(hubHostOf('http://[::1]:8080')).toBe('::1');
    expect(hubHostOf('https://hub.example')).toBe('hub.example');
  });
});

describe('the config file', () => {
  it('is written readable by its owner only, replacing a looser file at once', () => {
    const path = defaultFile();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '{}', { mode: 0o644 });
    chmodSync(path, 0o644);
    saveFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ hub: fileHub, token: 'file-token', ca: '/etc/file-ca.pem', user: 'admin' });
    expect(readdirSync(dirname(path))).toEqual(['cli.json']);
  });

  it('is refused, with the way out, when it is not JSON or not a config', () => {
    const path = join(home, 'bad.json');
    writeFileSync(path, 'not json');
    expect(() => readConfigFile(path)).toThrow(/is not JSON: run `tether login` again/);
    writeFileSync(path, JSON.stringify({ hub: 1 }));
    expect(() => readConfigFile(path)).toThrow(/is not an object \{hub, token, ca\?, user\?\}/);
    expect(readConfigFile(join(home, 'missing.json'))).toBeUndefined();
  });
});
