// `tether apps ls|show|create|update|rm` for the protocol-application catalogue (admins create,
// edit and remove), and `tether apps device|assign|unassign|connect|disconnect` for the
// applications of one device (tenant-admins of its tenant too). An application's template
// (seeds/reverse-connections.txt) comes as a JSON file, as the API takes it.
import { Command } from 'commander';
import { formatMac } from '../domain/device/mac.js';
import { calls } from './api-operation.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { fileOption, idArgument, jsonLinesOption, jsonOption, limitOption, macArgument } from './command-arguments.js';
import { AppAssignment, AppConnection, DeviceApps, ProtocolAppPage, ProtocolAppView } from './forward-views.js';
import type { DeviceApps as DeviceAppsView } from './forward-views.js';
import { readJsonDocument } from './json-document.js';
import { formatFields, printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { queryString } from './query-string.js';

const appPath = (id: string): string => `/api/v1/protocol-apps/${encodeURIComponent(id)}`;
const deviceAppPath = (mac: string, id: string): string => `/api/v1/devices/${encodeURIComponent(mac)}/protocol-apps/${encodeURIComponent(id)}`;

const columns: readonly Column<ProtocolAppView>[] = [
  { title: 'ID', cell: (app) => app.id },
  { title: 'NAME', cell: (app) => app.name },
  { title: 'TYPE', cell: (app) => app.type },
  { title: 'UPDATED', cell: (app) => app.updatedAt },
];

type DeviceApp = DeviceAppsView['items'][number];

const deviceColumns: readonly Column<DeviceApp>[] = [
  { title: 'APP', cell: (item) => item.appId },
  { title: 'NAME', cell: (item) => item.app.name },
  { title: 'TYPE', cell: (item) => item.app.type },
  { title: 'TENANT', cell: (item) => item.tenantId },
  { title: 'CONNECTED', cell: (item) => item.connection !== null },
  { title: 'PORT', cell: (item) => item.connection?.port },
  { title: 'SESSIONS', cell: (item) => item.connection?.sessions.length },
  { title: 'URL', cell: (item) => item.connection?.url },
];

function printApp(app: ProtocolAppView, options: JsonFlags): void {
  if (options.json === true) return printJson(app);
  process.stdout.write(
    formatFields([
      ['id', app.id],
      ['name', app.name],
      ['type', app.type],
      ['created', app.createdAt],
      ['updated', app.updatedAt],
    ]),
  );
}

const appArgument = (command: Command): Command => idArgument(command, 'the protocol application id');
const deviceArguments = (command: Command): Command => macArgument(appArgument(command));
const appFileOption = (command: Command): Command => fileOption(command, 'the application as a JSON object {name, type, …} (see the README; the hub chooses its id)');

const listCommand = (): Command =>
  calls(
    withClientOptions(jsonLinesOption(new Command('ls').description('list the protocol-application catalogue, by id'), 'application').addOption(limitOption())),
    'GET /api/v1/protocol-apps',
  ).action(async (options: JsonFlags & { readonly limit?: number }) => {
    const { client } = clientFrom(options);
    const apps = await readPages((after, limit) => client.call('GET', `/api/v1/protocol-apps${queryString({ limit, after })}`, ProtocolAppPage), options.limit);
    printRows(apps, columns, options.json === true);
  });

const showCommand = (): Command =>
  calls(withClientOptions(jsonOption(appArgument(new Command('show').description('show one protocol application')), 'it')), 'GET /api/v1/protocol-apps/{id}').action(async (id: string, options: JsonFlags) => {
    printApp(await clientFrom(options).client.call('GET', appPath(id), ProtocolAppView), options);
  });

const createCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(appFileOption(new Command('create').description('add a protocol application to the catalogue; prints the id the hub chose')), 'it')),
    'POST /api/v1/protocol-apps',
  ).action(async (options: JsonFlags & { readonly file: string }) => {
    const body = await readJsonDocument(options.file);
    const app = await clientFrom(options).client.call('POST', '/api/v1/protocol-apps', ProtocolAppView, body);
    if (options.json === true) printJson(app);
    else process.stdout.write(`${app.id}\n`);
  });

const updateCommand = (): Command =>
  calls(withClientOptions(jsonOption(appFileOption(appArgument(new Command('update').description('replace a protocol application\'s template'))), 'it')), 'PUT /api/v1/protocol-apps/{id}').action(
    async (id: string, options: JsonFlags & { readonly file: string }) => {
      const body = await readJsonDocument(options.file);
      printApp(await clientFrom(options).client.call('PUT', appPath(id), ProtocolAppView, body), options);
    },
  );

const removeCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(appArgument(new Command('rm').description('delete a protocol application: unassigned everywhere, its connections end')), '{id, removed}')),
    'DELETE /api/v1/protocol-apps/{id}',
  ).action(async (id: string, options: JsonFlags) => {
    await clientFrom(options).client.send('DELETE', appPath(id));
    if (options.json === true) printJson({ id, removed: true });
    else process.stdout.write(`removed ${id}\n`);
  });

const deviceCommand = (): Command =>
  calls(
    withClientOptions(jsonLinesOption(macArgument(new Command('device').description('the applications assigned to a device, and their connections')), 'application')),
    'GET /api/v1/devices/{mac}/protocol-apps',
  ).action(async (mac: string, options: JsonFlags) => {
    const { items } = await clientFrom(options).client.call('GET', `/api/v1/devices/${encodeURIComponent(mac)}/protocol-apps`, DeviceApps);
    printRows(items, deviceColumns, options.json === true);
  });

const assignCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(deviceArguments(new Command('assign').description('assign an application to a device, for the tenant it is in')), 'the assignment')),
    'PUT /api/v1/devices/{mac}/protocol-apps/{id}',
  ).action(
    async (id: string, mac: string, options: JsonFlags) => {
      const assignment = await clientFrom(options).client.call('PUT', deviceAppPath(mac, id), AppAssignment);
      if (options.json === true) printJson(assignment);
      else process.stdout.write(`${assignment.appId} assigned to ${formatMac(assignment.device)} (tenant ${assignment.tenantId})\n`);
    },
  );

const unassignCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(deviceArguments(new Command('unassign').description('remove an application from a device; its connection there ends')), '{id, mac, unassigned}')),
    'DELETE /api/v1/devices/{mac}/protocol-apps/{id}',
  ).action(async (id: string, mac: string, options: JsonFlags) => {
    await clientFrom(options).client.send('DELETE', deviceAppPath(mac, id));
    if (options.json === true) printJson({ id, mac, unassigned: true });
    else process.stdout.write(`${id} removed from ${mac}\n`);
  });

const connectCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(deviceArguments(new Command('connect').description('connect an assigned application: prints the hub port (or URL) to use')), 'the connection')),
    'POST /api/v1/devices/{mac}/protocol-apps/{id}/connect',
  ).action(
    async (id: string, mac: string, options: JsonFlags) => {
      const connection = await clientFrom(options).client.call('POST', `${deviceAppPath(mac, id)}/connect`, AppConnection);
      if (options.json === true) return printJson(connection);
      const where = connection.url ?? (connection.port === undefined ? 'on the device (reverse)' : `hub port ${connection.port}`);
      process.stdout.write(`${id} on ${mac} connected: ${where}\n`);
    },
  );

const disconnectCommand = (): Command =>
  calls(
    withClientOptions(jsonOption(deviceArguments(new Command('disconnect').description('disconnect an application on a device; its sessions end')), '{id, mac, disconnected}')),
    'POST /api/v1/devices/{mac}/protocol-apps/{id}/disconnect',
  ).action(async (id: string, mac: string, options: JsonFlags) => {
    await clientFrom(options).client.send('POST', `${deviceAppPath(mac, id)}/disconnect`);
    if (options.json === true) printJson({ id, mac, disconnected: true });
    else process.stdout.write(`${id} on ${mac} disconnected\n`);
  });

export const appsCommand = (): Command =>
  new Command('apps')
    .description('protocol applications: the catalogue, and the applications of a device')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(createCommand())
    .addCommand(updateCommand())
    .addCommand(removeCommand())
    .addCommand(deviceCommand())
    .addCommand(assignCommand())
    .addCommand(unassignCommand())
    .addCommand(connectCommand())
    .addCommand(disconnectCommand());
