// `tether link open|close`: a TCP DeviceLink served on a plain local port, until Ctrl-C
// closes it; or a link closed by its token.
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import type { LinkKey } from '../actors/link-cipher.js';
import { DeviceLinkResponse } from '../domain/tunnel/devicelink-request.js';
import type { ApiClient } from './api-client.js';
import { parseMacArgument, parsePort } from './cli-options.js';
import { hubHostOf } from './client-config.js';
import type { ClientFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { CommandError, isCommandError } from './command-error.js';
import { serveLocalLink } from './link-client.js';
import { printJson } from './output.js';

const linkPath = (token: string): string => `/api/v1/devicelink/${encodeURIComponent(token)}`;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** Opens the link; with a key, the hub is told it and must echo that it encrypts. */
export async function openDeviceLink(client: ApiClient, device: string, devicePort: number, key?: LinkKey): Promise<DeviceLinkResponse> {
  const encrypt = key === undefined ? {} : { encrypt: { key: hex(key.key), initializationVector: hex(key.iv) } };
  const answer = await client.call('POST', linkPath(device), DeviceLinkResponse, { protocol: 'tcp', devicePort, ...encrypt });
  if (key !== undefined && answer.encrypt === undefined) {
    await client.send('DELETE', linkPath(answer.token));
    throw new CommandError('invalid_response', 'the hub opened the link without encryption; it is closed again');
  }
  return answer;
}

/** Closes a link; one the hub has already closed counts as closed. */
export async function closeDeviceLink(client: ApiClient, token: string): Promise<void> {
  await client.send('DELETE', linkPath(token)).catch((error: unknown) => {
    if (!isCommandError(error, 'not_found')) throw error;
  });
}

interface LinkOpenOptions extends ClientFlags {
  readonly port: number;
  readonly local: number;
  readonly localHost: string;
  readonly protocol: 'tcp';
  readonly encrypt?: boolean;
  readonly json?: boolean;
}

type Ending = { readonly by: 'signal' } | { readonly by: 'hub'; readonly error: Error };

async function runLinkOpen(device: string, options: LinkOpenOptions): Promise<void> {
  const { client, config } = clientFrom(options);
  const key: LinkKey | undefined = options.encrypt === true ? { key: randomBytes(32), iv: randomBytes(16) } : undefined;
  const answer = await openDeviceLink(client, device, options.port, key);
  // A link a relay carries is reached at the relay's host, not the hub's.
  const hubHost = answer.relay !== undefined && answer.relay !== 'hub' && answer.host !== undefined ? answer.host : hubHostOf(config.hub);

  let end: (ending: Ending) => void = () => undefined;
  const ended = new Promise<Ending>((resolve) => (end = resolve));
  const local = await serveLocalLink({
    hubHost,
    hubPort: answer.port,
    localPort: options.local,
    localHost: options.localHost,
    ...(key === undefined ? {} : { key }),
    onHubUnreachable: (error) => {
      if (error.code === 'ECONNREFUSED') end({ by: 'hub', error });
      else process.stderr.write(`tether: cannot reach ${hostPort(hubHost, answer.port)}: ${error.message}\n`);
    },
  }).catch(async (error: unknown) => {
    await closeDeviceLink(client, answer.token);
    throw error;
  });

  const onSignal = (): void => end({ by: 'signal' });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const shown = hostPort(local.host, local.port);
  if (options.json === true) {
    printJson({ device, devicePort: options.port, local: shown, port: local.port, hubPort: answer.port, token: answer.token, encrypted: key !== undefined });
  } else {
    const how = key === undefined ? '' : ', encrypted';
    process.stdout.write(`link open: ${shown} -> ${device} port ${options.port}${how} (token ${answer.token})\n`);
  }

  const ending = await ended;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  try {
    if (ending.by === 'signal') await closeDeviceLink(client, answer.token);
  } finally {
    await local.close();
  }
  if (ending.by === 'hub') {
    throw new CommandError('link_closed', `the hub closed the link: ${hostPort(hubHost, answer.port)} refused the connection`);
  }
}

async function runLinkClose(token: string, options: ClientFlags): Promise<void> {
  const { client } = clientFrom(options);
  await client.send('DELETE', linkPath(token));
  process.stdout.write('link closed\n');
}

const openCommand = (): Command =>
  withClientOptions(
    new Command('open')
      .description('open a TCP DeviceLink to a device port and serve it on a local port until Ctrl-C')
      .argument('<mac>', 'the device: 00:11:22:AA:BB:CC, 00-11-22-AA-BB-CC or 001122AABBCC', parseMacArgument)
      .addOption(new Option('--port <port>', 'the port on the device').argParser(parsePort).makeOptionMandatory())
      .addOption(new Option('--local <port>', 'local port to serve the link on (0: any free port, printed)').argParser(parsePort).default(0))
      .option('--local-host <address>', 'local address to serve the link on', '127.0.0.1')
      .addOption(new Option('--protocol <protocol>', 'link protocol (the local port forwards TCP only)').choices(['tcp']).default('tcp'))
      .option('--encrypt', 'encrypt between here and the hub: AES-256-CTR with a fresh random key and IV')
      .option('--json', 'print {device, devicePort, local, port, hubPort, token, encrypted} as one JSON line'),
  )
    .addHelpText(
      'after',
      `
Prints one line, e.g.
  link open: 127.0.0.1:2222 -> 00:11:22:AA:BB:CC port 22 (token ...)
then each connection to the local port is one stream to the device port, e.g.
  ssh -p 2222 user@127.0.0.1
Ctrl-C (SIGINT) or SIGTERM closes the link on the hub and exits 0. If the hub closes
the link, the command says so and exits 1.`,
    )
    .action((device: string, options: LinkOpenOptions) => runLinkOpen(device, options));

const closeCommand = (): Command =>
  withClientOptions(
    new Command('close')
      .description('close a DeviceLink (its port and every stream on it) by its token')
      .argument('<token>', 'the token `tether link open` printed'),
  ).action((token: string, options: ClientFlags) => runLinkClose(token, options));

export const linkCommand = (): Command =>
  new Command('link').description('DeviceLink: reach a device port through the hub').addCommand(openCommand()).addCommand(closeCommand());
