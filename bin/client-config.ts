// Where the admin commands find the hub and their bearer token: a flag, else the environment,
// else the file `tether login` wrote. A token from the file is only ever sent to the hub it
// was issued by, so `--hub` pointing elsewhere never leaks it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { TetherError } from '../domain/errors.js';

export interface ClientFlags {
  readonly hub?: string;
  readonly token?: string;
  readonly ca?: string;
}

/** A command that prints what the hub answered whole, as JSON, with `--json`. */
export interface JsonFlags extends ClientFlags {
  readonly json?: boolean;
}

export interface ConfigSources {
  readonly env: NodeJS.ProcessEnv;
  /** The user's home directory (os.homedir() outside tests). */
  readonly home: string;
}

export interface ClientConfig {
  /** http(s)://host[:port][/path], without a trailing slash. */
  readonly hub: string;
  readonly token: string;
  /** Path of a PEM file with a private CA that signed the hub's certificate. */
  readonly ca?: string;
}

/** What `tether login` writes. */
export const StoredConfig = t.exact(
  t.intersection([t.type({ hub: t.string, token: t.string }), t.partial({ ca: t.string, user: t.string })]),
  'an object {hub, token, ca?, user?}',
);
export type StoredConfig = t.TypeOf<typeof StoredConfig>;

const set = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

export function configFilePath({ env, home }: ConfigSources): string {
  const explicit = set(env.TETHER_CONFIG);
  if (explicit !== undefined) return resolve(explicit);
  return join(set(env.XDG_CONFIG_HOME) ?? join(home, '.config'), 'tether', 'cli.json');
}

/** The hub URL in one canonical spelling, so that a file's hub compares equal to a flag's. */
export function parseHubUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TetherError('invalid_configuration', `${JSON.stringify(value)} is not a URL: give the hub as https://host[:port]`, ['hub']);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TetherError('invalid_configuration', `the hub URL must start with http:// or https:// (got ${url.protocol})`, ['hub']);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TetherError('invalid_configuration', 'the hub URL takes no user, password, query or fragment', ['hub']);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The host name or address of a hub URL, as net.connect takes it (IPv6 without brackets). */
export const hubHostOf = (hub: string): string => new URL(hub).hostname.replace(/^\[(.*)\]$/, '$1');

export function readConfigFile(path: string): StoredConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TetherError('invalid_configuration', `cannot read ${path}: ${(error as Error).message}`, ['config']);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TetherError('invalid_configuration', `${path} is not JSON: run \`tether login\` again`, ['config']);
  }
  const decoded = StoredConfig.decode(json);
  if (isLeft(decoded)) throw new TetherError('invalid_configuration', `${path} is not ${StoredConfig.name}: run \`tether login\` again`, ['config']);
  return decoded.right;
}

/** Replaces the file at once (a reader never sees half of it), readable by its owner only. */
export function writeConfigFile(path: string, config: StoredConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}

/** The hub (and its CA) from flag, env or file; the file's CA only goes with the file's hub. */
export function resolveHub(flags: ClientFlags, sources: ConfigSources): { hub: string; ca?: string; file?: StoredConfig } {
  const file = readConfigFile(configFilePath(sources));
  const fileHub = file === undefined ? undefined : parseHubUrl(file.hub);
  const given = set(flags.hub) ?? set(sources.env.TETHER_HUB);
  const hub = given === undefined ? fileHub : parseHubUrl(given);
  if (hub === undefined) {
    throw new TetherError('invalid_configuration', 'no hub given: use --hub URL, set TETHER_HUB, or run `tether login --hub URL`', ['hub']);
  }
  const fileMatches = file !== undefined && fileHub === hub;
  const ca = set(flags.ca) ?? set(sources.env.TETHER_CA) ?? (fileMatches ? file.ca : undefined);
  return { hub, ...(ca === undefined ? {} : { ca: resolve(ca) }), ...(fileMatches ? { file } : {}) };
}

export function resolveClientConfig(flags: ClientFlags, sources: ConfigSources): ClientConfig {
  const { hub, ca, file } = resolveHub(flags, sources);
  const token = set(flags.token) ?? set(sources.env.TETHER_TOKEN) ?? file?.token;
  if (token === undefined) {
    throw new TetherError(
      'invalid_configuration',
      `no token for ${hub}: use --token, set TETHER_TOKEN, or run \`tether login --hub ${hub}\``,
      ['token'],
    );
  }
  return { hub, token, ...(ca === undefined ? {} : { ca }) };
}
