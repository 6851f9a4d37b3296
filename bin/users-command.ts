// `tether users ls|show|create|password|disable|enable|rm`: people's accounts, each with a role
// (admin, owner, operator, auditor). The admin manages every account, an owner the owners and
// operators of its own tenants; anyone changes its own password. A user logs in with
// `tether login --user user@ID`.
import { Command, Option } from 'commander';
import { calls } from './api-operation.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { collect, idArgument, jsonLinesOption, jsonOption, limitOption, passwordStdinOption } from './command-arguments.js';
import { formatFields, printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { readPassword } from './password-input.js';
import { queryString } from './query-string.js';
import { UserPage, UserView } from './user-views.js';

const userPath = (id: string): string => `/api/v1/users/${encodeURIComponent(id)}`;
const tenantsText = (user: UserView): string => (user.tenants === null ? (user.role === 'admin' ? '-' : 'all') : user.tenants.join(','));
const userArgument = (command: Command): Command => idArgument(command, 'the user id (it logs in as user@ID)');

const columns: readonly Column<UserView>[] = [
  { title: 'ID', cell: (user) => user.id },
  { title: 'NAME', cell: (user) => user.name },
  { title: 'ROLE', cell: (user) => user.role },
  { title: 'TENANTS', cell: tenantsText },
  { title: 'DISABLED', cell: (user) => user.disabled },
  { title: 'UPDATED', cell: (user) => user.updatedAt },
];

function printUser(user: UserView, options: JsonFlags): void {
  if (options.json === true) return printJson(user);
  process.stdout.write(
    formatFields([
      ['id', user.id],
      ['name', user.name],
      ['email', user.email ?? '-'],
      ['role', user.role],
      ['tenants', tenantsText(user)],
      ['disabled', user.disabled],
      ['created', user.createdAt],
      ['updated', user.updatedAt],
    ]),
  );
}

interface PasswordFlags extends JsonFlags {
  readonly passwordStdin?: boolean;
}

interface CreateFlags extends PasswordFlags {
  readonly name: string;
  readonly role: string;
  readonly email?: string;
  readonly tenant?: readonly string[];
}

const listCommand = (): Command =>
  calls(withClientOptions(jsonLinesOption(new Command('ls').description('list the accounts you manage, by id'), 'user').addOption(limitOption())), 'GET /api/v1/users').action(
    async (options: JsonFlags & { readonly limit?: number }) => {
      const { client } = clientFrom(options);
      const users = await readPages((after, limit) => client.call('GET', `/api/v1/users${queryString({ limit, after })}`, UserPage), options.limit);
      printRows(users, columns, options.json === true);
    },
  );

const showCommand = (): Command =>
  calls(withClientOptions(jsonOption(userArgument(new Command('show').description('show one account')), 'the user')), 'GET /api/v1/users/{id}').action(
    async (id: string, options: JsonFlags) => printUser(await clientFrom(options).client.call('GET', userPath(id), UserView), options),
  );

const createCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        userArgument(new Command('create').description("create a person's account with its role and password"))
          .requiredOption('--name <name>', 'who the person is')
          .addOption(new Option('--role <role>', 'what the account may do').choices(['admin', 'owner', 'operator', 'auditor']).makeOptionMandatory())
          .option('--tenant <id>', 'a tenant it belongs to (owner, operator) or reads (auditor; default every tenant); repeat for several', collect)
          .option('--email <address>', 'where to reach the person')
          .addOption(passwordStdinOption("the user's")),
        'the user',
      ),
    ),
    'POST /api/v1/users',
  ).action(async (id: string, options: CreateFlags) => {
    const { client } = clientFrom(options);
    const password = await readPassword(`password of user ${id}: `, options.passwordStdin === true);
    const body = {
      id,
      name: options.name,
      role: options.role,
      password,
      ...(options.email === undefined ? {} : { email: options.email }),
      ...(options.tenant === undefined ? {} : { tenants: options.tenant }),
    };
    const user = await client.call('POST', '/api/v1/users', UserView, body);
    if (options.json === true) printJson(user);
    else process.stdout.write(`user ${user.id} created (${user.role}, tenants: ${tenantsText(user)})\n`);
  });

const passwordCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(userArgument(new Command('password').description("change a user's password (your own, or one you manage)")).addOption(passwordStdinOption('the new')), 'the user')),
    'PUT /api/v1/users/{id}/password',
  ).action(async (id: string, options: PasswordFlags) => {
    const { client } = clientFrom(options);
    const password = await readPassword(`new password of user ${id}: `, options.passwordStdin === true);
    const user = await client.call('PUT', `${userPath(id)}/password`, UserView, { password });
    if (options.json === true) printJson(user);
    else process.stdout.write(`password of user ${user.id} changed\n`);
  });

/** `disable` and `enable`: the same shape, the opposite effect. */
const switchCommand = (verb: 'disable' | 'enable', description: string): Command =>
  calls(withClientOptions(jsonOption(userArgument(new Command(verb).description(description)), 'the user')), `POST /api/v1/users/{id}/${verb}`).action(
    async (id: string, options: JsonFlags) => {
      const user = await clientFrom(options).client.call('POST', `${userPath(id)}/${verb}`, UserView);
      if (options.json === true) printJson(user);
      else process.stdout.write(`user ${user.id} ${verb}d\n`);
    },
  );

const removeCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(userArgument(new Command('rm').description('delete an account for good: its history stays, its id is not given out again')), '{id, deleted}')),
    'DELETE /api/v1/users/{id}',
  ).action(async (id: string, options: JsonFlags) => {
    await clientFrom(options).client.send('DELETE', userPath(id));
    if (options.json === true) printJson({ id, deleted: true });
    else process.stdout.write(`user ${id} deleted\n`);
  });

export const usersCommand = (): Command =>
  new Command('users')
    .description("people's accounts and roles: admin, owner, operator, auditor")
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(createCommand())
    .addCommand(passwordCommand())
    .addCommand(switchCommand('disable', 'disable an account: it may no longer log in, its tokens are void'))
    .addCommand(switchCommand('enable', 'enable a disabled account again (its old tokens stay void)'))
    .addCommand(removeCommand())
    .addHelpText(
      'after',
      '\nExample:\n  tether users create dana --name "Dana Diaz" --role operator --tenant acme --password-stdin < dana-password\n  tether login --user user@dana',
    );
