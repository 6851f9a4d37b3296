// The options every admin command shares (--hub, --token, --ca) and the API client they make.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { TetherError } from '../domain/errors.js';
import { createApiClient } from './api-client.js';
import type { ApiClient } from './api-client.js';
import { resolveClientConfig } from './client-config.js';
import type { ClientConfig, ClientFlags, ConfigSources } from './client-config.js';

export const processSources = (): ConfigSources => ({ env: process.env, home: homedir() });

export function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TetherError('invalid_configuration', `--ca: cannot read ${file}: ${(error as Error).message}`, ['ca']);
  }
}

export const clientHelp = `
The hub and token come from --hub/--token, else TETHER_HUB/TETHER_TOKEN, else the file
written by \`tether login\` ($TETHER_CONFIG, default ~/.config/tether/cli.json); that file's
token is only sent to the hub it was issued by. --ca (or TETHER_CA) names a PEM file with
a private CA that signed the hub's certificate.`;

/** Adds --hub, --token and --ca to `command`. */
export const withClientOptions = (command: Command): Command =>
  command
    .option('--hub <url>', 'the hub, http(s)://host[:port] (default: TETHER_HUB, then the login file)')
    .option('--token <token>', 'bearer token (default: TETHER_TOKEN, then the login file)')
    .option('--ca <file>', 'PEM file of a private CA that signed the hub certificate (default: TETHER_CA)')
    .addHelpText('after', clientHelp);

/** `timeoutMs`: how long to wait for each answer (default: the API client's). */
export function clientFrom(flags: ClientFlags, sources: ConfigSources = processSources(), timeoutMs?: number): { client: ApiClient; config: ClientConfig } {
  const config = resolveClientConfig(flags, sources);
  const client = createApiClient({
    hub: config.hub,
    token: config.token,
    ...(config.ca === undefined ? {} : { ca: readCa(config.ca) }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return { client, config };
}
