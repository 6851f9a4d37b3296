// `tether relay`: a relay server (the seed's Global Access Server) for a hub, until SIGTERM or
// SIGINT; with --unregister, the seed's unregister message instead. Given a cluster's nodes
// (`--hub` repeated), it keeps a control channel to each, so that every node can place links on it.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, Command } from 'commander';
import { calls } from './api-operation.js';
import { parsePortRange } from '../api/devicelink-config.js';
import type { PortRange } from '../data-plane/port-pool.js';
import { TetherError } from '../domain/errors.js';
import { isRelayName } from '../domain/relay/relay-name.js';
import { isHost, isIPLiteral } from '../domain/tunnel/address.js';
import { logLevelOption, parsePort, parsePositiveCount } from './cli-options.js';

interface RelayCommandOptions {
  readonly hub: readonly string[];
  readonly name: string;
  readonly host: string;
  readonly externalHost?: string;
  readonly altHost?: string;
  readonly port: number;
  readonly bind?: string;
  readonly linkPorts: PortRange;
  readonly maxSessions: number;
  readonly description?: string;
  readonly tokenFile?: string;
  readonly joinSecret?: string;
  readonly ca?: string;
  readonly statusInterval: number;
  readonly logLevel: string;
  readonly unregister?: boolean;
}

function parseName(value: string): string {
  if (!isRelayName(value)) throw new InvalidArgumentError('expected 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit, not "hub"');
  return value;
}

/** `--hub`, repeatable: one node of the hub each time, not twice the same. */
function collectHub(value: string, previous: readonly string[] = []): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL');
  if (previous.includes(value)) throw new InvalidArgumentError(`${value} is given twice`);
  return [...previous, value];
}

function parseHost(value: string): string {
  if (!isHost(value)) throw new InvalidArgumentError('expected a host name or an IP address');
  return value;
}

function parseRange(value: string): PortRange {
  const range = parsePortRange(value);
  if (range === undefined) throw new InvalidArgumentError('expected FROM-TO: two ports from 1 to 65535, FROM not above TO');
  return range;
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TetherError('invalid_configuration', `--ca: cannot read ${file}: ${(error as Error).message}`, ['ca']);
  }
}

// Past this, a shutdown that hangs gives up and exits non-zero.
const shutdownGraceMs = 10_000;

async function runRelay(options: RelayCommandOptions): Promise<void> {
  // Loaded here, not at the top: `tether agent` shares this binary and must start light.
  const { startRelay, unregisterRelay } = await import('../relay-server/relay.js');
  const { loadOrCreateRelayToken } = await import('../relay-server/relay-token.js');
  const { systemClock } = await import('../actors/runtime/system-clock.js');
  const { pino } = await import('pino');
  const logger = pino({ level: options.logLevel, base: { relay: options.name }, redact: { paths: ['token', '*.token'], censor: '[redacted]' } });
  const tokenFile = options.tokenFile ?? `tether-relay-${options.name}.token`;
  const { token, created } = loadOrCreateRelayToken(tokenFile);
  const ca = options.ca === undefined ? undefined : readCa(options.ca);
  if (options.unregister === true) {
    const answer = await unregisterRelay({ hubs: options.hub, ...(ca === undefined ? {} : { ca }), name: options.name, token, host: options.host });
    if (answer.result === 'FAILURE') throw new TetherError('relay_refused', `the hub refused to unregister: ${answer.reason}`, [answer.reason]);
    process.stdout.write(`relay ${options.name} unregistered\n`);
    return;
  }
  logger.info({ tokenFile }, created ? 'generated this relay token; it is reused after every restart' : 'relay token loaded');
  const relay = await startRelay({
    hubs: options.hub,
    ...(ca === undefined ? {} : { ca }),
    name: options.name,
    token,
    host: options.host,
    ...(options.externalHost === undefined ? {} : { externalHost: options.externalHost }),
    ...(options.altHost === undefined ? {} : { altHost: options.altHost }),
    port: options.port,
    bindAddress: options.bind ?? (isIPLiteral(options.host) ? options.host : '0.0.0.0'),
    linkPorts: options.linkPorts,
    maxSessions: options.maxSessions,
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.joinSecret === undefined ? {} : { joinSecret: options.joinSecret }),
    statusIntervalMs: options.statusInterval,
    clock: systemClock,
    logger,
  });
  process.stdout.write(`relay ${options.name} running: agents dial back to ${options.host}:${relay.port}\n`);
  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down (not unregistering: the hub marks the relay not reporting)');
    setTimeout(() => process.exit(1), shutdownGraceMs).unref();
    relay.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

export const relayCommand = (): Command =>
  calls(
    new Command('relay')
      .description('run a relay server: it registers with the hub and carries the data plane of the sessions the hub places on it')
      .addOption(
        new Option('--hub <url>', "the hub, http(s)://host[:port]; repeatable: each of a cluster's nodes, a control channel to each (registration and status go to any that answers)")
          .argParser(collectHub)
          .makeOptionMandatory(),
      )
      .addOption(new Option('--name <name>', "the relay's name (unique per hub)").argParser(parseName).makeOptionMandatory())
      .addOption(new Option('--host <host>', 'hostName: where agents dial back to this relay').argParser(parseHost).makeOptionMandatory())
      .addOption(new Option('--external-host <host>', 'externalHostName: where clients reach link ports (default: --host)').argParser(parseHost))
      .addOption(new Option('--alt-host <host>', 'alternateHostName: another host clients may use').argParser(parseHost))
      .addOption(new Option('--port <port>', 'the port agents dial back to (0: any free one)').argParser(parsePort).default(7070))
      .option('--bind <address>', 'the address the dial-back port and link ports bind to (default: --host if an IP address, else 0.0.0.0)')
      .addOption(new Option('--link-ports <from-to>', 'the ports handed out to links').argParser(parseRange).default({ from: 40000, to: 40999 }, '40000-40999'))
      .addOption(new Option('--max-sessions <n>', 'maxSessions: at most this many sessions at once').argParser(parsePositiveCount).default(100))
      .option('--description <text>', 'a few words on this relay')
      .option('--token-file <file>', "where this relay's token is kept, generated on first start (default: ./tether-relay-<name>.token)")
      .addOption(new Option('--join-secret <secret>', "the hub's relay join secret: the relay is approved at once").env('TETHER_RELAY_JOIN_SECRET'))
      .addOption(new Option('--ca <file>', 'PEM file of a private CA that signed the hub certificate').env('TETHER_CA'))
      .addOption(new Option('--status-interval <ms>', 'how often the status ("ping") is sent').argParser(parsePositiveCount).default(10_000))
      .addOption(logLevelOption())
      .option('--unregister', "send the seed's unregister message (the hub marks the relay not reporting) and exit")
      .action((options: RelayCommandOptions) => runRelay(options)),
    'POST /remote/rsstatus',
  );
