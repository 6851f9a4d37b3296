// `tether codes create|ls|revoke`: a tenant's provisioning codes, which a new device redeems
// at its first hello (`tether agent --code`). A code is shown once, when it is issued.
import { Command, Option } from 'commander';
import { calls } from './api-operation.js';
import { parsePositiveCount } from './cli-options.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { jsonLinesOption, jsonOption } from './command-arguments.js';
import { printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { CodeList, IssuedCode } from './tenant-views.js';
import type { CodeView } from './tenant-views.js';

const codesPath = (tenant: string): string => `/api/v1/tenants/${encodeURIComponent(tenant)}/provisioning-codes`;
const tenantArgument = (command: Command): Command => command.argument('<tenant>', 'the tenant the devices join');

const columns: readonly Column<CodeView>[] = [
  { title: 'CODE ID', cell: (code) => code.codeId },
  { title: 'STATE', cell: (code) => code.state },
  { title: 'USES', cell: (code) => `${code.uses}/${code.maxUses ?? 'any'}` },
  { title: 'CREATED', cell: (code) => code.createdAt },
  { title: 'EXPIRES', cell: (code) => code.expiresAt },
];

const createCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        tenantArgument(new Command('create').description('issue a provisioning code, valid one hour; it is shown this once')).addOption(
          new Option('--max-uses <n>', 'how many devices may redeem it (default: any number)').argParser(parsePositiveCount),
        ),
        '{code, codeId, expiresAt, maxUses?}',
      ),
    ),
    'POST /api/v1/tenants/{id}/provisioning-codes',
  ).action(async (tenant: string, options: JsonFlags & { readonly maxUses?: number }) => {
    const body = options.maxUses === undefined ? {} : { maxUses: options.maxUses };
    const issued = await clientFrom(options).client.call('POST', codesPath(tenant), IssuedCode, body);
    if (options.json === true) return printJson(issued);
    const uses = issued.maxUses === undefined ? 'any number of devices' : `${issued.maxUses} device${issued.maxUses === 1 ? '' : 's'}`;
    process.stdout.write(`${issued.code}\ncode ${issued.codeId} for tenant ${tenant}, ${uses}, until ${issued.expiresAt}\n`);
  });

const listCommand = (): Command =>
  calls(
    withClientOptions(jsonLinesOption(tenantArgument(new Command('ls').description("a tenant's live codes (never the code itself)")), 'code')),
    'GET /api/v1/tenants/{id}/provisioning-codes',
  ).action(async (tenant: string, options: JsonFlags) => {
    const { items } = await clientFrom(options).client.call('GET', codesPath(tenant), CodeList);
    printRows(items, columns, options.json === true);
  });

const revokeCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(tenantArgument(new Command('revoke').description('revoke a code: no device may redeem it any more')).argument('<code-id>', 'the code id `codes ls` shows'), '{tenant, codeId, revoked}')),
    'DELETE /api/v1/tenants/{id}/provisioning-codes/{codeId}',
  ).action(async (tenant: string, codeId: string, options: JsonFlags) => {
    await clientFrom(options).client.send('DELETE', `${codesPath(tenant)}/${encodeURIComponent(codeId)}`);
    if (options.json === true) printJson({ tenant, codeId, revoked: true });
    else process.stdout.write(`code ${codeId} revoked\n`);
  });

export const codesCommand = (): Command =>
  new Command('codes')
    .description('provisioning codes: a new device joins a tenant with one (tether agent --code)')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(revokeCommand())
    .addHelpText('after', '\nExample:\n  tether codes create acme --max-uses 20     # prints the code on its first line');
