// `tether hub address [URL...]`: where devices are told to dial the hub. With URLs, sets them
// (the admin's; every agent is told and keeps them); without, shows them.
import { Command } from 'commander';
import * as t from 'io-ts';
import { calls } from './api-operation.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { printJson } from './output.js';

const HubAddressView = t.type({ urls: t.readonlyArray(t.string) });

async function runAddress(urls: readonly string[], options: JsonFlags): Promise<void> {
  const { client } = clientFrom(options);
  const view =
    urls.length === 0
      ? await client.call('GET', '/api/v1/hub/address', HubAddressView)
      : await client.call('PUT', '/api/v1/hub/address', HubAddressView, { urls });
  if (options.json === true) printJson(view);
  else process.stdout.write(view.urls.length === 0 ? 'not set: devices dial the --hub they were started with\n' : `${view.urls.join('\n')}\n`);
}

const addressCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('address')
        .description("show, or set (admin), the hub's address(es) as devices dial them; every agent is told and keeps them in its state file")
        .argument('[urls...]', 'http(s):// or ws(s):// URLs in order of preference (1 to 8); none: show the current ones')
        .option('--json', 'print the answer as JSON'),
    ),
    'GET /api/v1/hub/address',
    'PUT /api/v1/hub/address',
  ).action((urls: string[], options: JsonFlags) => runAddress(urls, options));

export const hubCommand = (): Command => new Command('hub').description('the hub itself: where devices dial it').addCommand(addressCommand());
