// Options several commands share, with their parsers and environment fallbacks.
import { InvalidArgumentError, Option } from 'commander';
import { formatMac, parseMac } from '../domain/device/mac.js';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function parsePort(value: string): number {
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError('expected a TCP port, 0 to 65535');
  return port;
}

/** A device's MAC in any accepted spelling, as people read it: 00:11:22:AA:BB:CC. */
export function parseMacArgument(value: string): string {
  try {
    return formatMac(parseMac(value));
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function parsePositiveCount(value: string): number {
  const count = /^[0-9]{1,9}$/.test(value) ? Number(value) : 0;
  if (count < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return count;
}

export function parseNodeId(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(value)) {
    throw new InvalidArgumentError('expected letters, digits, "-" or "_" (at most 64)');
  }
  return value;
}

export const dataOption = (): Option =>
  new Option('--data <dir>', 'data directory: events.db, read models, token-secret').default('./data');

export const eventStoreOption = (): Option =>
  new Option('--eventstore <url>', 'use EventStoreDB (esdb://host:2113?tls=false) instead of <data>/events.db').env(
    'TETHER_EVENTSTORE_URL',
  );

export const fsyncOption = (): Option =>
  new Option('--fsync <level>', 'embedded store durability: normal survives kill -9, full also a power loss')
    .choices(['normal', 'full'])
    .default('normal');

export const nodeIdOption = (defaultDescription: string): Option =>
  new Option(
    '--node-id <id>',
    `names this node's read-model file <data>/readmodels-<id>.db (default: ${defaultDescription})`,
  ).argParser(parseNodeId);

export const logLevelOption = (): Option =>
  new Option('--log-level <level>', 'pino log level').choices(logLevels).default('info');
