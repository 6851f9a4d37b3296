// `tether proxies ls|show|create|update|enable|disable|rm`: proxy profiles (admins only). A
// profile's fields (seeds/proxies.txt) come as a JSON file, as the API takes them.
import { Command, Option } from 'commander';
import { parsePositiveCount } from './cli-options.js';
import type { ClientFlags, JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { ProxyPage, ProxyView, targetText } from './forward-views.js';
import { readJsonDocument } from './json-document.js';
import { formatFields, printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { queryString } from './query-string.js';

const proxyPath = (id: string): string => `/api/v1/proxies/${encodeURIComponent(id)}`;

const columns: readonly Column<ProxyView>[] = [
  { title: 'ID', cell: (proxy) => proxy.id },
  { title: 'NAME', cell: (proxy) => proxy.name },
  { title: 'PROTOCOL', cell: (proxy) => proxy.protocol },
  { title: 'ENABLED', cell: (proxy) => proxy.enabled },
  { title: 'PORT', cell: (proxy) => proxy.sourcePort },
  { title: 'TARGET', cell: (proxy) => targetText(proxy.target) },
  { title: 'UPDATED', cell: (proxy) => proxy.updatedAt },
];

function printProxy(proxy: ProxyView, options: JsonFlags): void {
  if (options.json === true) return printJson(proxy);
  process.stdout.write(
    formatFields([
      ['id', proxy.id],
      ['name', proxy.name],
      ['protocol', proxy.protocol],
      ['enabled', proxy.enabled],
      ['source port', proxy.sourcePort],
      ['target', targetText(proxy.target)],
      ['created', proxy.createdAt],
      ['updated', proxy.updatedAt],
    ]),
  );
}

async function runList(options: JsonFlags & { readonly limit?: number }): Promise<void> {
  const { client } = clientFrom(options);
  const proxies = await readPages((after, limit) => client.call('GET', `/api/v1/proxies${queryString({ limit, after })}`, ProxyPage), options.limit);
  printRows(proxies, columns, options.json === true);
}

const jsonOption = (command: Command): Command => command.option('--json', 'print the profile as one JSON object, as the hub answers it');
const idArgument = (command: Command): Command => command.argument('<id>', 'the proxy profile id');
const fileOption = (command: Command): Command =>
  command.requiredOption('--file <file>', 'the profile as a JSON object {id, name, protocol, enabled, sourcePort, target, …} (see the README; update leaves out id); - for standard input');

const listCommand = (): Command =>
  withClientOptions(
    new Command('ls')
      .description('list the proxy profiles, by id')
      .addOption(new Option('--limit <n>', 'at most this many rows').argParser(parsePositiveCount))
      .option('--json', 'one JSON object per profile and line, as the hub answers it'),
  ).action((options: JsonFlags & { readonly limit?: number }) => runList(options));

const showCommand = (): Command =>
  withClientOptions(jsonOption(idArgument(new Command('show').description('show one proxy profile')))).action(async (id: string, options: JsonFlags) => {
    printProxy(await clientFrom(options).client.call('GET', proxyPath(id), ProxyView), options);
  });

const createCommand = (): Command =>
  withClientOptions(jsonOption(fileOption(new Command('create').description('create a proxy profile; its source port opens at once when enabled')))).action(
    async (options: JsonFlags & { readonly file: string }) => {
      const body = await readJsonDocument(options.file);
      printProxy(await clientFrom(options).client.call('POST', '/api/v1/proxies', ProxyView, body), options);
    },
  );

const updateCommand = (): Command =>
  withClientOptions(jsonOption(fileOption(idArgument(new Command('update').description('replace a proxy profile\'s settings; its id never changes'))))).action(
    async (id: string, options: JsonFlags & { readonly file: string }) => {
      const body = await readJsonDocument(options.file);
      printProxy(await clientFrom(options).client.call('PUT', proxyPath(id), ProxyView, body), options);
    },
  );

const switchCommand = (action: 'enable' | 'disable'): Command =>
  withClientOptions(
    jsonOption(idArgument(new Command(action).description(action === 'enable' ? 'open a proxy\'s source port' : 'close a proxy\'s source port; the profile stays'))),
  ).action(async (id: string, options: JsonFlags) => {
    printProxy(await clientFrom(options).client.call('POST', `${proxyPath(id)}/${action}`, ProxyView), options);
  });

const removeCommand = (): Command =>
  withClientOptions(
    new Command('rm').description('remove proxy profiles: their ports close and their live connections end; none is removed if one is unknown').argument('<id...>', 'the profile ids'),
  ).action(async (ids: string[], options: ClientFlags) => {
    await clientFrom(options).client.send('POST', '/api/v1/proxies/remove', { ids });
    process.stdout.write(`removed ${ids.join(', ')}\n`);
  });

export const proxiesCommand = (): Command =>
  new Command('proxies')
    .description('proxy profiles (admins): a hub port forwarding to a host, a plugin or through a device')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(createCommand())
    .addCommand(updateCommand())
    .addCommand(switchCommand('enable'))
    .addCommand(switchCommand('disable'))
    .addCommand(removeCommand());
