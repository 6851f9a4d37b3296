// Parsers for the options of `tether agent`.
import { InvalidArgumentError } from 'commander';
import { parseMac } from '../domain/device/mac.js';
import { parseAllowRule } from './allow-list.js';
import { gatewayUrl } from './gateway-url.js';
import type { AllowRule } from './allow-list.js';

export interface AppSpec {
  readonly name: string;
  readonly version: string;
}

export function parseMacOption(value: string): string {
  try {
    return parseMac(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `NAME@VERSION`, repeatable; the last `@` splits, so a scoped name like `@acme/app@1.2` works. */
export function collectApp(value: string, previous: readonly AppSpec[] = []): AppSpec[] {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('expected NAME@VERSION, e.g. devices@13r1');
  return [...previous, { name: value.slice(0, at), version: value.slice(at + 1) }];
}

/** A hub URL, repeatable: the agent tries them in turn. */
export function collectHub(value: string, previous: readonly string[] = []): string[] {
  try {
    gatewayUrl(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return [...previous, value];
}

export function collectCategory(value: string, previous: readonly string[] = []): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('a category may not be empty');
  return [...previous, value];
}

/** `HOST:PORTS`, repeatable (see allow-list.ts). */
export function collectAllow(value: string, previous: readonly AllowRule[] = []): AllowRule[] {
  try {
    return [...previous, parseAllowRule(value)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** A hook's shell command (--on-update, --on-backup, --on-restore): anything but blank. */
export function parseHookCommand(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('a hook command may not be empty');
  return value;
}
