// `tether tenants ls|show|create|password|grant|revoke|password-deployment`: the tenants (the
// seed's domains), their passwords, the grants between them and whether the hub deploys a
// tenant's password to its devices. Passwords are typed without echo or piped in, never flags.
import { Argument, Command } from 'commander';
import { calls } from './api-operation.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { jsonLinesOption, jsonOption, limitOption, passwordStdinOption } from './command-arguments.js';
import { formatFields, printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { readPassword } from './password-input.js';
import { queryString } from './query-string.js';
import { TenantPage, TenantView } from './tenant-views.js';

const tenantPath = (id: string): string => `/api/v1/tenants/${encodeURIComponent(id)}`;

const columns: readonly Column<TenantView>[] = [
  { title: 'ID', cell: (tenant) => tenant.id },
  { title: 'NAME', cell: (tenant) => tenant.name },
  { title: 'GRANTS', cell: (tenant) => (tenant.grants.length === 0 ? undefined : tenant.grants.join(',')) },
  { title: 'PASSWORD DEPLOYMENT', cell: (tenant) => (tenant.passwordDeployment ? 'on' : 'off') },
  { title: 'UPDATED', cell: (tenant) => tenant.updatedAt },
];

function printTenant(tenant: TenantView, options: JsonFlags): void {
  if (options.json === true) return printJson(tenant);
  process.stdout.write(
    formatFields([
      ['id', tenant.id],
      ['name', tenant.name],
      ['grants', tenant.grants.length === 0 ? undefined : tenant.grants.join(', ')],
      ['password deployment', tenant.passwordDeployment ? 'on' : 'off'],
      ['created', tenant.createdAt],
      ['updated', tenant.updatedAt],
    ]),
  );
}

interface PasswordFlags extends JsonFlags {
  readonly passwordStdin?: boolean;
}

const tenantArgument = (command: Command): Command => command.argument('<tenant>', 'the tenant id');

const listCommand = (): Command =>
  calls(
    withClientOptions(jsonLinesOption(new Command('ls').description('list the tenants you may see, by id'), 'tenant').addOption(limitOption())),
    'GET /api/v1/tenants',
  ).action(async (options: JsonFlags & { readonly limit?: number }) => {
    const { client } = clientFrom(options);
    const tenants = await readPages((after, limit) => client.call('GET', `/api/v1/tenants${queryString({ limit, after })}`, TenantPage), options.limit);
    printRows(tenants, columns, options.json === true);
  });

const showCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(tenantArgument(new Command('show').description('show one tenant')), 'the tenant').option(
        '--at <time>',
        'as it was at this moment (ISO 8601); auditors and admins',
      ),
    ),
    'GET /api/v1/tenants/{id}',
  ).action(async (id: string, options: JsonFlags & { readonly at?: string }) => {
    printTenant(await clientFrom(options).client.call('GET', `${tenantPath(id)}${queryString({ at: options.at })}`, TenantView), options);
  });

const createCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        tenantArgument(new Command('create').description('create a tenant with its password (admins)'))
          .requiredOption('--name <name>', 'what the tenant is called')
          .addOption(passwordStdinOption('the tenant')),
        'the tenant',
      ),
    ),
    'POST /api/v1/tenants',
  ).action(async (id: string, options: PasswordFlags & { readonly name: string }) => {
    const { client } = clientFrom(options);
    const password = await readPassword(`password of tenant ${id}: `, options.passwordStdin === true);
    const tenant = await client.call('POST', '/api/v1/tenants', TenantView, { id, name: options.name, password });
    if (options.json === true) printJson(tenant);
    else process.stdout.write(`tenant ${tenant.id} created\n`);
  });

const passwordCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        tenantArgument(new Command('password').description("change a tenant's password (admins, or the tenant's tenant-admin)")).addOption(passwordStdinOption('the new')),
        'the tenant',
      ),
    ),
    'PUT /api/v1/tenants/{id}/password',
  ).action(async (id: string, options: PasswordFlags) => {
    const { client } = clientFrom(options);
    const password = await readPassword(`new password of tenant ${id}: `, options.passwordStdin === true);
    const tenant = await client.call('PUT', `${tenantPath(id)}/password`, TenantView, { password });
    if (options.json === true) printJson(tenant);
    else process.stdout.write(`password of tenant ${tenant.id} changed\n`);
  });

const grantCommand = (action: 'grant' | 'revoke'): Command =>
  calls(
    withClientOptions(
      jsonOption(
        tenantArgument(
          new Command(action).description(
            action === 'grant' ? 'let a tenant see and act on another tenant (admins)' : 'take back what grant gave (admins)',
          ),
        ).argument('<other>', 'the tenant it may (no longer) see'),
        'the tenant',
      ),
    ),
    action === 'grant' ? 'PUT /api/v1/tenants/{id}/grants/{grantedId}' : 'DELETE /api/v1/tenants/{id}/grants/{grantedId}',
  ).action(async (id: string, other: string, options: JsonFlags) => {
    const tenant = await clientFrom(options).client.call(action === 'grant' ? 'PUT' : 'DELETE', `${tenantPath(id)}/grants/${encodeURIComponent(other)}`, TenantView);
    if (options.json === true) printJson(tenant);
    else process.stdout.write(`tenant ${tenant.id} sees ${tenant.grants.length === 0 ? 'no other tenant' : tenant.grants.join(', ')}\n`);
  });

const deploymentCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        tenantArgument(new Command('password-deployment').description("turn deploying the tenant's password to every device of the tenant on or off")).addArgument(
          new Argument('<switch>', 'on or off').choices(['on', 'off']),
        ),
        'the tenant',
      ),
    ),
    'PUT /api/v1/tenants/{id}/password-deployment',
  ).action(async (id: string, setting: 'on' | 'off', options: JsonFlags) => {
    const tenant = await clientFrom(options).client.call('PUT', `${tenantPath(id)}/password-deployment`, TenantView, { enabled: setting === 'on' });
    if (options.json === true) printJson(tenant);
    else process.stdout.write(`password deployment of tenant ${tenant.id} ${tenant.passwordDeployment ? 'on' : 'off'}\n`);
  });

export const tenantsCommand = (): Command =>
  new Command('tenants')
    .description('tenants (the seed\'s domains): list, create, passwords, grants, password deployment')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(createCommand())
    .addCommand(passwordCommand())
    .addCommand(grantCommand('grant'))
    .addCommand(grantCommand('revoke'))
    .addCommand(deploymentCommand())
    .addHelpText(
      'after',
      `
A password is asked for at a terminal without echo, or read from stdin:
  tether tenants create acme --name "Acme Inc" --password-stdin < acme-password`,
    );
