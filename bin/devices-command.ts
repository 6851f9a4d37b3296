// `tether devices ls|show|set|assign|unassign|restore`: the device list with its filters, one device
// (as it is, or as it was at a moment), what an admin says of it (name, site, categories), a
// device's tenant, and restoring its configuration.
import { Command, Option } from 'commander';
import { formatMac } from '../domain/device/mac.js';
import { calls } from './api-operation.js';
import type { ClientFlags, JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { collect, limitOption, macArgument } from './command-arguments.js';
import { restoreCommand } from './device-restore-command.js';
import { DeviceAssignment, DevicePage, DeviceView } from './device-views.js';
import { CommandError } from './command-error.js';
import { formatFields, printJson, printRows } from './output.js';
import type { Cell, Column } from './output.js';
import { readPages } from './pages.js';
import { queryString } from './query-string.js';

const devicePath = (mac: string): string => `/api/v1/devices/${encodeURIComponent(mac)}`;
const orNone = (text: string): Cell => (text === '' ? undefined : text);

const columns: readonly Column<DeviceView>[] = [
  { title: 'MAC', cell: (device) => formatMac(device.mac) },
  { title: 'NAME', cell: (device) => device.name },
  { title: 'SITE', cell: (device) => device.site },
  { title: 'TENANT', cell: (device) => device.tenant },
  { title: 'STATE', cell: (device) => device.state },
  { title: 'MODEL', cell: (device) => orNone(device.model) },
  { title: 'FIRMWARE', cell: (device) => orNone(device.firmware) },
  { title: 'IP', cell: (device) => device.ip },
  { title: 'LAST SEEN', cell: (device) => device.lastSeen },
];

interface ListOptions extends ClientFlags {
  readonly tenant?: string;
  readonly state?: string;
  readonly category?: string;
  readonly site?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly search?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

async function runList(options: ListOptions): Promise<void> {
  const { client } = clientFrom(options);
  const { tenant, state, category, site, model, firmware, search: q } = options;
  const devices = await readPages(
    (after, limit) => client.call('GET', `/api/v1/devices${queryString({ tenant, state, category, site, model, firmware, q, limit, after })}`, DevicePage),
    options.limit,
  );
  printRows(devices, columns, options.json === true);
}

interface ShowOptions extends ClientFlags {
  readonly at?: string;
  readonly json?: boolean;
}

/** `name version, name version`, as the device reported them. */
const listed = (installed: DeviceView['apps']): string => installed.map(({ name, version }) => `${name} ${version}`).join(', ');

async function runShow(mac: string, options: ShowOptions): Promise<void> {
  const { client } = clientFrom(options);
  const device = await client.call('GET', `${devicePath(mac)}${queryString({ at: options.at })}`, DeviceView);
  if (options.json === true) return printJson(device);
  process.stdout.write(
    formatFields([
      ['mac', formatMac(device.mac)],
      ['name', device.name],
      ['site', device.site],
      ['tenant', device.tenant],
      ['state', device.state],
      ['ip', device.ip],
      ['connected since', device.connectedSince],
      ['last seen', device.lastSeen],
      ['model', orNone(device.model)],
      ['firmware', orNone(device.firmware)],
      ['apps', orNone(listed(device.apps))],
      ['software', orNone(listed(device.software))],
      ['categories', orNone(device.categories.join(', '))],
      ['admin categories', orNone(device.adminCategories.join(', '))],
      ['registered', device.registeredAt],
      ['updated', device.updatedAt],
    ]),
  );
}

async function runAssign(mac: string, tenant: string, options: JsonFlags): Promise<void> {
  const { client } = clientFrom(options);
  const assignment = await client.call('POST', `${devicePath(mac)}/assign`, DeviceAssignment, { tenant });
  if (options.json === true) printJson(assignment);
  else process.stdout.write(`device ${mac} assigned to tenant ${assignment.tenant ?? tenant}\n`);
}

const listCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('ls')
        .description('list the devices you may see (every page, or --limit rows)')
        .option('--tenant <id>', 'only the devices of this tenant')
        .addOption(new Option('--state <state>', 'only devices in this state').choices(['unassigned', 'online', 'offline']))
        .option('--category <name>', 'only devices in this category, reported by the device or set by an admin')
        .option('--site <site>', 'only devices at this site')
        .option('--model <model>', 'only devices of this model')
        .option('--firmware <version>', 'only devices running this firmware')
        .option('--search <text>', 'devices whose MAC, model, firmware, name or site contains the text')
        .addOption(limitOption())
        .option('--json', 'one JSON object per device and line, as the hub answers it'),
    ),
    'GET /api/v1/devices',
  ).action((options: ListOptions) => runList(options));

const showCommand = (): Command =>
  calls(
    withClientOptions(
      macArgument(new Command('show').description('show one device'))
        .option('--at <time>', 'as it was at this moment (ISO 8601, e.g. 2026-01-31T08:00:00Z); auditors and admins')
        .option('--json', 'print the device as one JSON object'),
    ),
    'GET /api/v1/devices/{mac}',
  ).action((mac: string, options: ShowOptions) => runShow(mac, options));

interface SetOptions extends JsonFlags {
  readonly name?: string;
  readonly clearName?: boolean;
  readonly site?: string;
  readonly clearSite?: boolean;
  readonly category?: readonly string[];
  readonly clearCategories?: boolean;
}

/** Only what the options name: the rest of the device's details stays as it is. */
const detailsOf = (options: SetOptions): Record<string, string | readonly string[] | null> => ({
  ...(options.name !== undefined ? { name: options.name } : options.clearName === true ? { name: null } : {}),
  ...(options.site !== undefined ? { site: options.site } : options.clearSite === true ? { site: null } : {}),
  ...(options.category !== undefined ? { categories: options.category } : options.clearCategories === true ? { categories: null } : {}),
});

async function runSet(mac: string, options: SetOptions): Promise<void> {
  const details = detailsOf(options);
  if (Object.keys(details).length === 0) throw new CommandError('validation_failed', 'nothing to set: give --name, --site, --category or a --clear- option');
  const device = await clientFrom(options).client.call('PATCH', devicePath(mac), DeviceView, details);
  if (options.json === true) printJson(device);
  else process.stdout.write(`device ${mac} set\n`);
}

const setCommand = (): Command =>
  calls(
    withClientOptions(
      macArgument(new Command('set').description("set what you say of a device: its name, site and categories (jobs select by these categories too)"))
        .option('--name <name>', 'its name, e.g. "PC m01" (at most 100 characters)')
        .addOption(new Option('--clear-name', 'remove its name').conflicts('name'))
        .option('--site <site>', 'the site it stands at (at most 100 characters)')
        .addOption(new Option('--clear-site', 'remove its site').conflicts('site'))
        .option('--category <name>', 'a category; repeat for several: they replace the ones set before', collect)
        .addOption(new Option('--clear-categories', 'remove the categories set before (not those the device reports)').conflicts('category'))
        .option('--json', 'print the device as one JSON object, as the hub answers it'),
    ),
    'PATCH /api/v1/devices/{mac}',
  ).action((mac: string, options: SetOptions) => runSet(mac, options));

const assignCommand = (): Command =>
  calls(
    withClientOptions(
      macArgument(new Command('assign').description('assign a connected device to a tenant (or move it to another)'))
        .argument('<tenant>', 'the tenant id')
        .option('--json', 'print {mac, tenant} as one JSON object'),
    ),
    'POST /api/v1/devices/{mac}/assign',
  ).action((mac: string, tenant: string, options: JsonFlags) => runAssign(mac, tenant, options));

const unassignCommand = (): Command =>
  calls(
    withClientOptions(
      macArgument(new Command('unassign').description('take a connected device out of its tenant: it becomes unassigned')).option('--json', 'print {mac, tenant: null} as one JSON object'),
    ),
    'POST /api/v1/devices/{mac}/unassign',
  ).action(async (mac: string, options: JsonFlags) => {
    const assignment = await clientFrom(options).client.call('POST', `${devicePath(mac)}/unassign`, DeviceAssignment);
    if (options.json === true) printJson(assignment);
    else process.stdout.write(`device ${mac} unassigned\n`);
  });

export const devicesCommand = (): Command =>
  new Command('devices')
    .description('devices: list, show, set, assign, unassign, restore')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(setCommand())
    .addCommand(assignCommand())
    .addCommand(unassignCommand())
    .addCommand(restoreCommand());
