// `tether login`: trades a password for a bearer token and keeps it, with the hub URL, in
// the client config file (mode 0600) that the other admin commands read.
import { Command, InvalidArgumentError, Option } from 'commander';
import { calls } from './api-operation.js';
import * as t from 'io-ts';
import { createApiClient } from './api-client.js';
import { configFilePath, resolveHub, writeConfigFile } from './client-config.js';
import type { ConfigSources } from './client-config.js';
import { processSources, readCa } from './client-options.js';
import { passwordStdinOption } from './command-arguments.js';
import { CommandError } from './command-error.js';
import { readPassword } from './password-input.js';

/** Who logs in, named as the hub names principals: the body fields of POST /auth/login. */
export interface LoginUser {
  readonly name: string;
  readonly fields: { readonly tenant?: string; readonly auditor?: string; readonly user?: string };
}

export function parseLoginUser(value: string): LoginUser {
  if (value === 'admin') return { name: value, fields: {} };
  const tenant = /^tenant-admin@(.+)$/.exec(value)?.[1];
  if (tenant !== undefined) return { name: value, fields: { tenant } };
  const auditor = /^auditor@(.+)$/.exec(value)?.[1];
  if (auditor !== undefined) return { name: value, fields: { auditor } };
  const user = /^user@(.+)$/.exec(value)?.[1];
  if (user !== undefined) return { name: value, fields: { user } };
  throw new InvalidArgumentError('expected admin, tenant-admin@TENANT, auditor@AUDITOR or user@USER');
}

const LoginAnswer = t.type({ token: t.string }, 'an object {token}');

export interface LoginRequest {
  readonly hub?: string;
  readonly ca?: string;
  readonly user: LoginUser;
  readonly password: string;
}

/** Logs in and writes the config file; returns where it went and the token. */
export async function login(request: LoginRequest, sources: ConfigSources): Promise<{ hub: string; token: string; file: string }> {
  const { hub, ca } = resolveHub({ hub: request.hub, ca: request.ca }, sources);
  if (request.password === '') throw new CommandError('validation_failed', 'the password is empty');
  const client = createApiClient({ hub, ...(ca === undefined ? {} : { ca: readCa(ca) }) });
  const { token } = await client.call('POST', '/api/v1/auth/login', LoginAnswer, { password: request.password, ...request.user.fields });
  const file = configFilePath(sources);
  writeConfigFile(file, { hub, token, user: request.user.name, ...(ca === undefined ? {} : { ca }) });
  return { hub, token, file };
}

interface LoginOptions {
  readonly hub?: string;
  readonly ca?: string;
  readonly user: LoginUser;
  readonly passwordStdin?: boolean;
  readonly printToken?: boolean;
}

async function runLogin(options: LoginOptions): Promise<void> {
  const password = await readPassword(`password of ${options.user.name}: `, options.passwordStdin === true);
  const done = await login({ ...options, password }, processSources());
  const told = `logged in to ${done.hub} as ${options.user.name}; token saved in ${done.file}\n`;
  if (options.printToken === true) {
    process.stdout.write(`${done.token}\n`);
    process.stderr.write(told);
  } else {
    process.stdout.write(told);
  }
}

export const loginCommand = (): Command =>
  calls(
    new Command('login')
      .description('log in to a hub and save its URL and a bearer token for the other commands')
      .option('--hub <url>', 'the hub, http(s)://host[:port] (default: TETHER_HUB, then the saved hub)')
      .addOption(
        new Option('--user <name>', 'admin, tenant-admin@TENANT, auditor@AUDITOR or user@USER (a person\'s account)').argParser(parseLoginUser).default(parseLoginUser('admin'), 'admin'),
      )
      .addOption(passwordStdinOption('the'))
      .option('--ca <file>', 'PEM file of a private CA that signed the hub certificate (saved with the hub)')
      .option('--print-token', 'also print the token on stdout (the message goes to stderr)')
      .addHelpText(
        'after',
        `
The token is saved in $TETHER_CONFIG, default ~/.config/tether/cli.json (mode 0600), and
is never printed unless --print-token is given. At a terminal the password is asked for
without echo; otherwise it is read from stdin:
  tether login --hub https://hub.example.com --user tenant-admin@acme --password-stdin < pw.txt
  tether login --hub https://hub.example.com --user user@dana`,
      )
      .action((options: LoginOptions) => runLogin(options)),
    'POST /api/v1/auth/login',
  );
