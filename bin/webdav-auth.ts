// How a device authenticates to a WebDAV server, for a backup job and a restore alike: the
// options, and what they alone can tell is wrong, checked before a password is asked for.
import { Option } from 'commander';
import type { Command } from 'commander';
import { passwordStdinOption } from './command-arguments.js';
import { CommandError } from './command-error.js';

export type WebdavAuthType = 'none' | 'basic' | 'digest';

export interface WebdavFlags {
  readonly auth: WebdavAuthType;
  readonly username?: string;
  readonly passwordStdin?: boolean;
}

export const webdavAuthOptions = (command: Command): Command =>
  command
    .addOption(new Option('--auth <type>', 'how the device authenticates to the WebDAV server').choices(['none', 'basic', 'digest']).default('none'))
    .option('--username <name>', 'the WebDAV user (basic, digest)')
    .addOption(passwordStdinOption('the WebDAV'));

const refused = (message: string): CommandError => new CommandError('validation_failed', message);

/** Whether a password is to be asked for; refuses a username or password with --auth none, and basic or digest without a username. */
export function webdavNeedsPassword(options: WebdavFlags): boolean {
  if (options.auth === 'none') {
    if (options.username !== undefined || options.passwordStdin === true) throw refused('--auth none takes no --username or password');
    return false;
  }
  if (options.username === undefined) throw refused(`--auth ${options.auth} needs --username (the password is read from stdin or asked for)`);
  return true;
}

/** The `auth` object a backup job's target and a restore both send, refusing an empty password. */
export function webdavAuth(options: WebdavFlags, password: string | undefined): { type: WebdavAuthType; username?: string; password?: string } {
  if (!webdavNeedsPassword(options)) return { type: 'none' };
  if (password === undefined || password === '' || options.username === undefined) throw refused('the WebDAV password is empty');
  return { type: options.auth, username: options.username, password };
}
