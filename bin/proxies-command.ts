// `tether proxies ls|show|create|update|enable|disable|rm`: proxy profiles (admins only). A
// profile's fields (seeds/proxies.txt) come as a JSON file, as the API takes them.
import { Command } from 'commander';
import { calls } from './api-operation.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { fileOption, idArgument, jsonLinesOption, jsonOption, limitOption } from './command-arguments.js';
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

const profileJsonOption = (command: Command): Command => jsonOption(command, 'the profile');
const proxyArgument = (command: Command): Command => idArgument(command, 'the proxy profile id');
const profileFileOption = (command: Command): Command =>
  fileOption(command, 'the profile as a JSON object {id, name, protocol, enabled, sourcePort, target, …} (see the README; update leaves out id)');

const listCommand = (): Command =>
  calls(withClientOptions(jsonLinesOption(new Command('ls').description('list the proxy profiles, by id'), 'profile').addOption(limitOption())), 'GET /api/v1/proxies').action(
    (options: JsonFlags & { readonly limit?: number }) => runList(options),
  );

const showCommand = (): Command =>
  calls(withClientOptions(profileJsonOption(proxyArgument(new Command('show').description('show one proxy profile')))), 'GET /api/v1/proxies/{id}').action(async (id: string, options: JsonFlags) => {
    printProxy(await clientFrom(options).client.call('GET', proxyPath(id), ProxyView), options);
  });

const createCommand = (): Command =>
  calls(
    withClientOptions(profileJsonOption(profileFileOption(new Command('create').description('create a proxy profile; its source port opens at once when enabled')))),
    'POST /api/v1/proxies',
  ).action(
    async (options: JsonFlags & { readonly file: string }) => {
      const body = await readJsonDocument(options.file);
      printProxy(await clientFrom(options).client.call('POST', '/api/v1/proxies', ProxyView, body), options);
    },
  );

const updateCommand = (): Command =>
  calls(
    withClientOptions(profileJsonOption(profileFileOption(proxyArgument(new Command('update').description('replace a proxy profile\'s settings; its id never changes'))))),
    'PUT /api/v1/proxies/{id}',
  ).action(
    async (id: string, options: JsonFlags & { readonly file: string }) => {
      const body = await readJsonDocument(options.file);
      printProxy(await clientFrom(options).client.call('PUT', proxyPath(id), ProxyView, body), options);
    },
  );

const switchCommand = (action: 'enable' | 'disable'): Command =>
  calls(
    withClientOptions(
      profileJsonOption(proxyArgument(new Command(action).description(action === 'enable' ? 'open a proxy\'s source port' : 'close a proxy\'s source port; the profile stays'))),
    ),
    `POST /api/v1/proxies/{id}/${action}`,
  ).action(async (id: string, options: JsonFlags) => {
    printProxy(await clientFrom(options).client.call('POST', `${proxyPath(id)}/${action}`, ProxyView), options);
  });

const removeCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        new Command('rm').description('remove proxy profiles: their ports close and their live connections end; none is removed if one is unknown').argument('<id...>', 'the profile ids'),
        '{ids, removed}',
      ),
    ),
    'POST /api/v1/proxies/remove',
  ).action(async (ids: string[], options: JsonFlags) => {
    await clientFrom(options).client.send('POST', '/api/v1/proxies/remove', { ids });
    if (options.json === true) printJson({ ids, removed: true });
    else process.stdout.write(`removed ${ids.join(', ')}\n`);
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
