// Arguments and options the admin commands share, worded once.
import { Option } from 'commander';
import type { Command } from 'commander';
import { parseMacArgument, parsePositiveCount } from './cli-options.js';

export const macArgument = (command: Command): Command =>
  command.argument('<mac>', 'the device: 00:11:22:AA:BB:CC, 00-11-22-AA-BB-CC or 001122AABBCC', parseMacArgument);

/** `<id>`, described as what it names: "the proxy profile id". */
export const idArgument = (command: Command, description: string): Command => command.argument('<id>', description);

/** For a command that prints one record: `what` is "it", "the tenant", … */
export const jsonOption = (command: Command, what: string): Command => command.option('--json', `print ${what} as one JSON object, as the hub answers it`);

/** For a list: `what` is the singular, "tenant". */
export const jsonLinesOption = (command: Command, what: string): Command =>
  command.option('--json', `one JSON object per ${what} and line, as the hub answers it`);

/** For a list the hub pages through. */
export const limitOption = (): Option => new Option('--limit <n>', 'at most this many rows').argParser(parsePositiveCount);

/** `--file F` (or `-` for standard input) holding a request body: `what` says which fields. */
export const fileOption = (command: Command, what: string): Command =>
  command.requiredOption('--file <file>', `${what}; - for standard input`);

/** For a command that reads a password (see password-input.ts): `whose` is "the", "the WebDAV", … */
export const passwordStdinOption = (whose: string): Option =>
  new Option('--password-stdin', `read ${whose} password from stdin (the default when stdin is not a terminal)`);

/** A repeatable option: each use adds its value. */
export const collect = (value: string, previous: readonly string[] | undefined): readonly string[] => [...(previous ?? []), value];
