// `tether relays ls`: the relay servers the hub knows, with the seed's properties.
import { Command, Option } from 'commander';
import { parsePositiveCount } from './cli-options.js';
import type { ClientFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { queryString } from './query-string.js';
import { RelayPage } from './relay-views.js';
import type { RelayView } from './relay-views.js';

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

const listCommand = (): Command =>
  withClientOptions(
    new Command('ls')
      .description('list the relay servers, by name')
      .option('--deleted', 'also relays an admin deleted')
      .addOption(new Option('--limit <n>', 'at most this many rows').argParser(parsePositiveCount))
      .option('--json', 'one JSON object per relay and line, as the hub answers it'),
  ).action((options: ListOptions) => runList(options));

export const relaysCommand = (): Command =>
  new Command('relays').description('relay servers: which carry sessions, which report, how loaded they are').addCommand(listCommand());
