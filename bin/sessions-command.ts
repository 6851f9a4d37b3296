// `tether sessions ls`: remote sessions with the API's filters, newest first, every page or
// --limit rows.
import { Command, Option } from 'commander';
import { calls } from './api-operation.js';
import { formatMac } from '../domain/device/mac.js';
import { terminationCauses } from '../domain/tunnel/termination-cause.js';
import { parseMacArgument } from './cli-options.js';
import type { ClientFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { limitOption } from './command-arguments.js';
import { printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { queryString } from './query-string.js';
import { SessionPage } from './session-views.js';
import type { SessionView } from './session-views.js';

const columns: readonly Column<SessionView>[] = [
  { title: 'ID', cell: (session) => session.id },
  { title: 'KIND', cell: (session) => session.kind },
  { title: 'DEVICE', cell: (session) => formatMac(session.device) },
  { title: 'PORT', cell: (session) => session.devicePort },
  { title: 'TENANT', cell: (session) => session.tenantId },
  { title: 'USER', cell: (session) => session.requestedBy.id },
  { title: 'FROM', cell: (session) => session.userIP },
  { title: 'OPENED', cell: (session) => session.createdTime },
  { title: 'ENDED', cell: (session) => session.endTime },
  { title: 'CAUSE', cell: (session) => session.terminationCause },
  { title: 'BYTES', cell: (session) => session.bytesTransferred },
];

interface ListOptions extends ClientFlags {
  readonly tenant?: string;
  readonly device?: string;
  readonly user?: string;
  readonly relay?: string;
  readonly cause?: string;
  readonly state?: string;
  readonly kind?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

async function runList(options: ListOptions): Promise<void> {
  const { client } = clientFrom(options);
  const { tenant, device, user, relay, cause, state, kind, from, to } = options;
  const filters = { tenant, device, user, relay, cause, state, kind, from, to };
  const sessions = await readPages(
    (cursor, limit) => client.call('GET', `/api/v1/sessions${queryString({ ...filters, limit, cursor })}`, SessionPage),
    options.limit,
  );
  printRows(sessions, columns, options.json === true);
}

const listCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('ls')
        .description('list remote sessions (DeviceLinks, proxies, protocol applications), newest first')
        .option('--tenant <id>', 'only sessions of this tenant')
        .option('--device <mac>', 'only sessions to this device', parseMacArgument)
        .option('--user <id>', 'only sessions opened by this principal (e.g. admin, tenant-admin@acme)')
        .option('--relay <name>', 'only sessions through this relay (hub: the hub itself)')
        .addOption(new Option('--cause <cause>', 'only sessions that ended for this cause').choices(terminationCauses))
        .addOption(new Option('--state <state>', 'only open or only closed sessions').choices(['open', 'closed']))
        .addOption(new Option('--kind <kind>', 'only sessions of this kind').choices(['devicelink', 'proxy', 'protocol-app']))
        .option('--from <time>', 'only sessions opened at or after this moment (ISO 8601)')
        .option('--to <time>', 'only sessions opened at or before this moment (ISO 8601)')
        .addOption(limitOption())
        .option('--json', 'one JSON object per session and line, as the hub answers it'),
    ),
    'GET /api/v1/sessions',
  ).action((options: ListOptions) => runList(options));

export const sessionsCommand = (): Command =>
  new Command('sessions').description('remote sessions: who reached which device, when, and how much crossed').addCommand(listCommand());
