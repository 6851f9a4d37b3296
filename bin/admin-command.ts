// `tether admin password`: changes the instance admin's password. The hub voids every token
// issued before, the one this command used included: log in again afterwards.
import { Command } from 'commander';
import { calls } from './api-operation.js';
import type { ClientFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { CommandError } from './command-error.js';
import { readPassword } from './password-input.js';

interface PasswordOptions extends ClientFlags {
  readonly passwordStdin?: boolean;
}

async function newPassword(fromStdin: boolean): Promise<string> {
  const password = await readPassword('new admin password: ', fromStdin);
  if (password === '') throw new CommandError('validation_failed', 'the password is empty');
  // Typed without echo: a typo would lock the admin out, so it is typed twice.
  if (!fromStdin && process.stdin.isTTY && (await readPassword('again: ', false)) !== password) {
    throw new CommandError('validation_failed', 'the two passwords differ');
  }
  return password;
}

async function runPassword(options: PasswordOptions): Promise<void> {
  const { client, config } = clientFrom(options);
  const password = await newPassword(options.passwordStdin === true);
  await client.send('PUT', '/api/v1/admin/password', { password });
  process.stdout.write(`admin password changed on ${config.hub}; tokens issued before no longer work: log in again (tether login)\n`);
}

const passwordCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('password')
        .description("change the instance admin's password (as the admin); every token issued before stops working")
        .option('--password-stdin', 'read the new password from stdin (the default when stdin is not a terminal)')
        .addHelpText(
          'after',
          `
At a terminal the new password is asked for twice, without echo; otherwise it is read from stdin:
  tether admin password --password-stdin < new-password.txt
The hub wants 8 to 1024 characters.`,
        ),
    ),
    'PUT /api/v1/admin/password',
  ).action((options: PasswordOptions) => runPassword(options));

export const adminCommand = (): Command => new Command('admin').description("the instance admin's own account").addCommand(passwordCommand());
