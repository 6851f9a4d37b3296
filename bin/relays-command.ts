// `tether relays ls|approve|reset-token|rm`: the relay servers the hub knows, with the seed's
// properties, and the admin's say over them.
import { Command } from 'commander';
import { calls } from './api-operation.js';
import type { ClientFlags, JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { jsonOption, limitOption } from './command-arguments.js';
import { printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { queryString } from './query-string.js';
import { RelayPage, RelayView } from './relay-views.js';

const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

const columns: readonly Column<RelayView>[] = [
  { title: 'NAME', cell: (relay) => relay.name },
  { title: 'HOST', cell: (relay) => hostPort(relay.hostName, relay.port) },
  { title: 'EXTERNAL', cell: (relay) => relay.externalHostName },
  { title: 'REPORTING', cell: (relay) => relay.isReporting },
  { title: 'APPROVED', cell: (relay) => relay.approved },
  { title: 'CONNECTED', cell: (relay) => relay.connected },
  { title: 'SESSIONS', cell: (relay) => `${relay.currentNumberOfSessions}/${relay.maxSessions}` },
  { title: 'LAST SEEN', cell: (relay) => relay.lastConnectionTime },
  { title: 'DESCRIPTION', cell: (relay) => relay.description },
];

interface ListOptions extends ClientFlags {
  readonly deleted?: boolean;
  readonly limit?: number;
  readonly json?: boolean;
}

async function runList(options: ListOptions): Promise<void> {
  const { client } = clientFrom(options);
  const deleted = options.deleted === true ? 'true' : undefined;
  const relays = await readPages(
    (after, limit) => client.call('GET', `/api/v1/relays${queryString({ limit, after, deleted })}`, RelayPage),
    options.limit,
  );
  printRows(relays, columns, options.json === true);
}

const relayPath = (name: string): string => `/api/v1/relays/${encodeURIComponent(name)}`;
const nameArgument = (command: Command): Command => command.argument('<name>', 'the relay name (its --name)');

const listCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('ls')
        .description('list the relay servers, by name')
        .option('--deleted', 'also relays an admin deleted')
        .addOption(limitOption())
        .option('--json', 'one JSON object per relay and line, as the hub answers it'),
    ),
    'GET /api/v1/relays',
  ).action((options: ListOptions) => runList(options));

const actionCommand = (action: 'approve' | 'reset-token', description: string, done: string): Command =>
  calls(withClientOptions(jsonOption(nameArgument(new Command(action).description(description)), 'the relay')), `POST /api/v1/relays/{name}/${action}`).action(
    async (name: string, options: JsonFlags) => {
      const relay = await clientFrom(options).client.call('POST', `${relayPath(name)}/${action}`, RelayView);
      if (options.json === true) printJson(relay);
      else process.stdout.write(`relay ${relay.name} ${done}\n`);
    },
  );

const removeCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(nameArgument(new Command('rm').description('deregister a relay: its sessions end; it must register and be approved again')), '{name, removed}'),
    ),
    'DELETE /api/v1/relays/{name}',
  ).action(async (name: string, options: JsonFlags) => {
    await clientFrom(options).client.send('DELETE', relayPath(name));
    if (options.json === true) printJson({ name, removed: true });
    else process.stdout.write(`relay ${name} removed\n`);
  });

export const relaysCommand = (): Command =>
  new Command('relays')
    .description('relay servers: which carry sessions, which report, how loaded they are; approve, reset-token, rm')
    .addCommand(listCommand())
    .addCommand(actionCommand('approve', 'approve a relay: it may carry sessions', 'approved'))
    .addCommand(
      actionCommand('reset-token', "forget a relay's token: its next registration sets a new one and needs approval again", 'token reset; approve it after it registers again'),
    )
    .addCommand(removeCommand());
