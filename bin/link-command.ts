// `tether link open|close`: a TCP or UDP DeviceLink served on a plain local port, until Ctrl-C
// closes it; or a link closed by its token.
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import type { TunnelKey } from '../data-plane/tunnel-cipher.js';
import { DeviceLinkResponse } from '../domain/tunnel/devicelink-request.js';
import type { ApiClient } from './api-client.js';
import { calls } from './api-operation.js';
import { parsePort, parsePositiveCount } from './cli-options.js';
import { hubHostOf } from './client-config.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { jsonOption, macArgument } from './command-arguments.js';
import { CommandError, isCommandError } from './command-error.js';
import { serveLocalLink } from './link-client.js';
import { printJson } from './output.js';
import { serveLocalUdpLink } from './udp-link-client.js';

const linkPath = (token: string): string => `/api/v1/devicelink/${encodeURIComponent(token)}`;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

export interface LinkRequest {
  readonly protocol: 'tcp' | 'udp';
  readonly devicePort: number;
  /** UDP: the link closes after this long without a datagram. */
  readonly timeout?: number;
  readonly key?: TunnelKey;
}

/** Opens the link; with a key, the hub is told it and must echo that it encrypts. */
export async function openDeviceLink(client: ApiClient, device: string, request: LinkRequest): Promise<DeviceLinkResponse> {
  const { key, ...fields } = request;
  const encrypt = key === undefined ? {} : { encrypt: { key: hex(key.key), initializationVector: hex(key.iv) } };
  const answer = await client.call('POST', linkPath(device), DeviceLinkResponse, { ...fields, ...encrypt });
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

interface LinkOpenOptions extends JsonFlags {
  readonly port: number;
  readonly local: number;
  readonly localHost: string;
  readonly udp?: boolean;
  readonly timeout?: number;
  readonly encrypt?: boolean;
}

type Ending = { readonly by: 'signal' } | { readonly by: 'hub'; readonly error: Error };

async function runLinkOpen(device: string, options: LinkOpenOptions): Promise<void> {
  const { client, config } = clientFrom(options);
  const key: TunnelKey | undefined = options.encrypt === true ? { key: randomBytes(32), iv: randomBytes(16) } : undefined;
  const protocol = options.udp === true ? 'udp' : 'tcp';
  if (protocol === 'tcp' && options.timeout !== undefined) throw new CommandError('validation_failed', '--timeout is for UDP links (--udp)');
  const timeout = options.timeout === undefined ? {} : { timeout: options.timeout };
  const answer = await openDeviceLink(client, device, { protocol, devicePort: options.port, ...timeout, ...(key === undefined ? {} : { key }) });
  // A link a relay carries is reached at the relay's host, not the hub's.
  const hubHost = answer.relay !== undefined && answer.relay !== 'hub' && answer.host !== undefined ? answer.host : hubHostOf(config.hub);

  let end: (ending: Ending) => void = () => undefined;
  const ended = new Promise<Ending>((resolve) => (end = resolve));
  const serve = protocol === 'udp' ? serveLocalUdpLink : serveLocalLink;
  const local = await serve({
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
    printJson({ device, protocol, devicePort: options.port, local: shown, port: local.port, hubPort: answer.port, token: answer.token, encrypted: key !== undefined });
  } else {
    const how = `${protocol === 'udp' ? ', udp' : ''}${key === undefined ? '' : ', encrypted'}`;
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

async function runLinkClose(token: string, options: JsonFlags): Promise<void> {
  const { client } = clientFrom(options);
  await client.send('DELETE', linkPath(token));
  if (options.json === true) printJson({ token, closed: true });
  else process.stdout.write('link closed\n');
}

const openCommand = (): Command =>
  calls(
    withClientOptions(
      macArgument(new Command('open').description('open a TCP (or UDP) DeviceLink to a device port and serve it on a local port until Ctrl-C'))
        .addOption(new Option('--port <port>', 'the port on the device').argParser(parsePort).makeOptionMandatory())
        .addOption(new Option('--local <port>', 'local port to serve the link on (0: any free port, printed)').argParser(parsePort).default(0))
        .option('--local-host <address>', 'local address to serve the link on', '127.0.0.1')
        .option('--udp', 'a UDP link: the local port is a UDP port, its datagrams go to the device port')
        .addOption(new Option('--timeout <ms>', 'UDP: the hub closes the link after this long without a datagram (default: never, or as the hub is configured)').argParser(parsePositiveCount))
        .option('--encrypt', 'encrypt between here and the hub: AES-256-CTR with a fresh random key and IV')
        .option('--json', 'print {device, protocol, devicePort, local, port, hubPort, token, encrypted} as one JSON line'),
    ),
    'POST /api/v1/devicelink/{deviceIdentifier}',
    'DELETE /api/v1/devicelink/{deviceLinkToken}',
  )
    .addHelpText(
      'after',
      `
Prints one line, e.g.
  link open: 127.0.0.1:2222 -> 00:11:22:AA:BB:CC port 22 (token ...)
then each connection to the local port is one stream to the device port, e.g.
  ssh -p 2222 user@127.0.0.1
With --udp the local port is a UDP port: its datagrams go to the device port and the
device's answers come back to the local peer that sent last, e.g.
  tether link open 00:11:22:AA:BB:CC --udp --port 161 --local 1161 --timeout 60000
Ctrl-C (SIGINT) or SIGTERM closes the link on the hub and exits 0. If the hub closes
the link, the command says so and exits 1.`,
    )
    .action((device: string, options: LinkOpenOptions) => runLinkOpen(device, options));

const closeCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        new Command('close').description('close a DeviceLink (its port and every stream on it) by its token').argument('<token>', 'the token `tether link open` printed'),
        '{token, closed}',
      ),
    ),
    'DELETE /api/v1/devicelink/{deviceLinkToken}',
  ).action((token: string, options: JsonFlags) => runLinkClose(token, options));

export const linkCommand = (): Command =>
  new Command('link').description('DeviceLink: reach a device port through the hub').addCommand(openCommand()).addCommand(closeCommand());
