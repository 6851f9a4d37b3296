// `tether auditors ls|show|create|password|rm`: the auditor accounts (admins only). An auditor
// reads every tenant, or only those named at its creation; `rm` disables it (its history stays).
import { Command } from 'commander';
import { calls } from './api-operation.js';
import { AuditorPage, AuditorView } from './auditor-views.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { collect, idArgument, jsonLinesOption, jsonOption, limitOption, passwordStdinOption } from './command-arguments.js';
import { formatFields, printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { readPassword } from './password-input.js';
import { queryString } from './query-string.js';

const auditorPath = (id: string): string => `/api/v1/auditors/${encodeURIComponent(id)}`;
const tenantsText = (auditor: AuditorView): string => (auditor.tenants === null ? 'all' : auditor.tenants.join(','));
const auditorArgument = (command: Command): Command => idArgument(command, 'the auditor id (it logs in as auditor@ID)');

const columns: readonly Column<AuditorView>[] = [
  { title: 'ID', cell: (auditor) => auditor.id },
  { title: 'NAME', cell: (auditor) => auditor.name },
  { title: 'TENANTS', cell: tenantsText },
  { title: 'DISABLED', cell: (auditor) => auditor.disabled },
  { title: 'UPDATED', cell: (auditor) => auditor.updatedAt },
];

function printAuditor(auditor: AuditorView, options: JsonFlags): void {
  if (options.json === true) return printJson(auditor);
  process.stdout.write(
    formatFields([
      ['id', auditor.id],
      ['name', auditor.name],
      ['tenants', tenantsText(auditor)],
      ['disabled', auditor.disabled],
      ['created', auditor.createdAt],
      ['updated', auditor.updatedAt],
    ]),
  );
}

interface PasswordFlags extends JsonFlags {
  readonly passwordStdin?: boolean;
}

const listCommand = (): Command =>
  calls(withClientOptions(jsonLinesOption(new Command('ls').description('list the auditor accounts, by id'), 'auditor').addOption(limitOption())), 'GET /api/v1/auditors').action(
    async (options: JsonFlags & { readonly limit?: number }) => {
      const { client } = clientFrom(options);
      const auditors = await readPages((after, limit) => client.call('GET', `/api/v1/auditors${queryString({ limit, after })}`, AuditorPage), options.limit);
      printRows(auditors, columns, options.json === true);
    },
  );

const showCommand = (): Command =>
  calls(withClientOptions(jsonOption(auditorArgument(new Command('show').description('show one auditor account')), 'the auditor')), 'GET /api/v1/auditors/{id}').action(
    async (id: string, options: JsonFlags) => printAuditor(await clientFrom(options).client.call('GET', auditorPath(id), AuditorView), options),
  );

const createCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        auditorArgument(new Command('create').description('create an auditor account with its password'))
          .requiredOption('--name <name>', 'who the auditor is')
          .option('--tenant <id>', 'a tenant it may read; repeat for several (default: every tenant)', collect)
          .addOption(passwordStdinOption("the auditor's")),
        'the auditor',
      ),
    ),
    'POST /api/v1/auditors',
  ).action(async (id: string, options: PasswordFlags & { readonly name: string; readonly tenant?: readonly string[] }) => {
    const { client } = clientFrom(options);
    const password = await readPassword(`password of auditor ${id}: `, options.passwordStdin === true);
    const body = { id, name: options.name, password, ...(options.tenant === undefined ? {} : { tenants: options.tenant }) };
    const auditor = await client.call('POST', '/api/v1/auditors', AuditorView, body);
    if (options.json === true) printJson(auditor);
    else process.stdout.write(`auditor ${auditor.id} created (tenants: ${tenantsText(auditor)})\n`);
  });

const passwordCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(auditorArgument(new Command('password').description("change an auditor's password")).addOption(passwordStdinOption('the new')), 'the auditor')),
    'PUT /api/v1/auditors/{id}/password',
  ).action(async (id: string, options: PasswordFlags) => {
    const { client } = clientFrom(options);
    const password = await readPassword(`new password of auditor ${id}: `, options.passwordStdin === true);
    const auditor = await client.call('PUT', `${auditorPath(id)}/password`, AuditorView, { password });
    if (options.json === true) printJson(auditor);
    else process.stdout.write(`password of auditor ${auditor.id} changed\n`);
  });

const removeCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(auditorArgument(new Command('rm').description('disable an auditor account: it may no longer log in; its history stays')), '{id, disabled}')),
    'DELETE /api/v1/auditors/{id}',
  ).action(async (id: string, options: JsonFlags) => {
    await clientFrom(options).client.send('DELETE', auditorPath(id));
    if (options.json === true) printJson({ id, disabled: true });
    else process.stdout.write(`auditor ${id} disabled\n`);
  });

export const auditorsCommand = (): Command =>
  new Command('auditors')
    .description('auditor accounts (admins): read-only, history included')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(createCommand())
    .addCommand(passwordCommand())
    .addCommand(removeCommand())
    .addHelpText('after', '\nExample:\n  tether auditors create alice --name "Alice Audit" --tenant acme --password-stdin < alice-password');
